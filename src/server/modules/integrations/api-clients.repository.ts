import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Channel } from '../../../shared/enums.js';
import type { ApiClient } from '../../../shared/schemas/integrations.js';
import type { Db } from '../../db/client.js';
import { adminLog, apiClients } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { systemActor } from './system-actors.js';

export type ApiClientRow = typeof apiClients.$inferSelect;

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** `fq_` + 43 characters of base64url (256 bits); the first 11 characters identify it in lists and logs. */
function newKey() {
  const apiKey = `fq_${randomBytes(32).toString('base64url')}`;
  return { apiKey, keyPrefix: apiKey.slice(0, 11), keyHash: hashKey(apiKey) };
}

export function presentApiClient(row: ApiClientRow): ApiClient {
  return {
    id: row.id,
    name: row.name,
    channels: row.channels,
    mayPostCameraAlerts: row.mayPostCameraAlerts,
    keyPrefix: row.keyPrefix,
    callbackUrl: row.callbackUrl,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

export async function createApiClient(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  actor: Actor;
  input: { name: string; channels: Channel[]; mayPostCameraAlerts: boolean; callbackUrl: string | null };
}) {
  const { db, crypto, actor, input } = opts;
  const d = actor.districtCode;
  const key = newKey();
  const signingSecret = randomBytes(32).toString('base64url');
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(apiClients)
      .values({
        districtCode: d,
        name: input.name,
        channels: input.channels,
        mayPostCameraAlerts: input.mayPostCameraAlerts,
        keyPrefix: key.keyPrefix,
        keyHash: key.keyHash,
        signingSecretEnc: crypto.encrypt(signingSecret),
        callbackUrl: input.callbackUrl,
        // Its own system account, so references and idempotency keys of two senders never collide.
        userId: (await systemActor(tx, d, `client:${key.keyPrefix}`, input.name)).id,
        createdBy: actor.id,
      })
      .returning();
    await tx.insert(adminLog).values({
      districtCode: d,
      actorId: actor.id,
      action: 'api_client.create',
      entity: created!.id,
      data: { name: input.name, channels: input.channels },
    });
    return created!;
  });
  return { client: presentApiClient(row), apiKey: key.apiKey, signingSecret };
}

export async function listApiClients(db: Db, districtCode: string) {
  const rows = await db.select().from(apiClients).where(eq(apiClients.districtCode, districtCode)).orderBy(desc(apiClients.createdAt));
  return rows.map(presentApiClient);
}

async function findOwnClient(db: Db, districtCode: string, id: string) {
  const [row] = await db
    .select()
    .from(apiClients)
    .where(and(eq(apiClients.districtCode, districtCode), eq(apiClients.id, id)));
  if (!row) throw new AppError('API_CLIENT_NOT_FOUND');
  return row;
}

/** 停用: the key stops working at once; the cases it filed stay, and their callbacks stop. */
export async function revokeApiClient(opts: { db: Db; actor: Actor; id: string }) {
  const { db, actor, id } = opts;
  await findOwnClient(db, actor.districtCode, id);
  const [row] = await db
    .update(apiClients)
    .set({ revokedAt: sql`coalesce(${apiClients.revokedAt}, now())` })
    .where(and(eq(apiClients.districtCode, actor.districtCode), eq(apiClients.id, id)))
    .returning();
  await db
    .insert(adminLog)
    .values({ districtCode: actor.districtCode, actorId: actor.id, action: 'api_client.revoke', entity: id, data: null });
  return presentApiClient(row!);
}

/** 更换密钥: a new key replaces the old one at once (same client, same cases, same signing secret). */
export async function rotateApiKey(opts: { db: Db; crypto: PersonalDataCrypto; actor: Actor; id: string }) {
  const { db, crypto, actor, id } = opts;
  const existing = await findOwnClient(db, actor.districtCode, id);
  if (existing.revokedAt) throw new AppError('API_CLIENT_NOT_FOUND');
  const key = newKey();
  const [row] = await db
    .update(apiClients)
    .set({ keyHash: key.keyHash, keyPrefix: key.keyPrefix })
    .where(and(eq(apiClients.districtCode, actor.districtCode), eq(apiClients.id, id)))
    .returning();
  await db
    .insert(adminLog)
    .values({ districtCode: actor.districtCode, actorId: actor.id, action: 'api_client.rotate', entity: id, data: null });
  return { client: presentApiClient(row!), apiKey: key.apiKey, signingSecret: crypto.decrypt(row!.signingSecretEnc) };
}

/** The live client behind an API key, or API_KEY_INVALID. */
export async function authenticateApiKey(db: Db, apiKey: string | undefined): Promise<ApiClientRow> {
  if (!apiKey || !apiKey.startsWith('fq_')) throw new AppError('API_KEY_INVALID');
  const [row] = await db
    .select()
    .from(apiClients)
    .where(and(eq(apiClients.keyHash, hashKey(apiKey)), isNull(apiClients.revokedAt)));
  if (!row) throw new AppError('API_KEY_INVALID');
  // Last use to the minute is enough for the admin's list, and spares a write per request.
  await db
    .update(apiClients)
    .set({ lastUsedAt: new Date() })
    .where(
      and(
        eq(apiClients.districtCode, row.districtCode),
        eq(apiClients.id, row.id),
        or(isNull(apiClients.lastUsedAt), lt(apiClients.lastUsedAt, sql`now() - interval '1 minute'`)),
      ),
    );
  return row;
}

/** The live client of this id that may post camera alerts (its signing secret checks the webhook); none otherwise. */
export async function findCameraAlertClient(db: Db, districtCode: string, clientId: string): Promise<ApiClientRow | undefined> {
  const [row] = await db
    .select()
    .from(apiClients)
    .where(
      and(
        eq(apiClients.districtCode, districtCode),
        eq(apiClients.id, clientId),
        isNull(apiClients.revokedAt),
        eq(apiClients.mayPostCameraAlerts, true),
      ),
    );
  return row;
}

/** The key of a request: `Authorization: Bearer …` or `X-Api-Key`. */
export function apiKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const key = headers['x-api-key'];
  return typeof key === 'string' ? key.trim() : undefined;
}
