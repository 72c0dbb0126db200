import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { listDistricts } from '../../lib/districts.js';
import { apiClients, notifications, outbox, type OutboxChannel } from '../../db/schema.js';
import { signBody, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../lib/hmac-signature.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { SmsGateway } from './sms-gateway.js';
import { isValidMobile } from '../../../shared/identifiers.js';

export interface OutboxMessage {
  districtCode: string;
  dedupeKey: string;
  channel: OutboxChannel;
  recipientUserId?: string | null;
  /** SMS only: already encrypted with the personal-data key. */
  recipientPhoneEnc?: Buffer | null;
  caseId?: string | null;
  title: string;
  body: string;
  /** Webhook only. */
  clientId?: string | null;
  targetUrl?: string | null;
  payload?: Record<string, unknown> | null;
  /** Not to be sent before this moment (a reminder the day before); now when absent. */
  notBefore?: Date;
}

/** Tries before a message is given up (its last error stays on the row for the admin). */
const MAX_ATTEMPTS: Record<OutboxChannel, number> = { in_app: 5, sms: 5, webhook: 12 };
/** A failed webhook waits 30 s, 1 min, 2 min, … up to an hour before the next try. */
export function webhookBackoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}
const WEBHOOK_TIMEOUT_MS = 10_000;

/** Queues messages in the caller's transaction; a message whose key exists already is not queued again. */
export async function enqueue(tx: Tx | Db, messages: OutboxMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const inserted = await tx
    .insert(outbox)
    .values(
      messages.map(({ notBefore, ...m }) => ({
        ...m,
        ...(notBefore ? { nextAttemptAt: notBefore } : {}),
        recipientUserId: m.recipientUserId ?? null,
        recipientPhoneEnc: m.recipientPhoneEnc ?? null,
        caseId: m.caseId ?? null,
        clientId: m.clientId ?? null,
        targetUrl: m.targetUrl ?? null,
        payload: m.payload ?? null,
      })),
    )
    .onConflictDoNothing({ target: [outbox.districtCode, outbox.dedupeKey] })
    .returning({ id: outbox.id });
  return inserted.length;
}

/**
 * Sends what is queued. A batch is claimed first (skip locked, so instances share the work) and a claimed message is
 * never claimed again once sent: SMS and in-app messages at most once (a driver error before sending releases it for
 * a later try). Webhooks are at least once: a timeout may hide a delivery, so the receiver dedupes on
 * `X-Fengqiao-Delivery`; a failure waits longer before each next try (`webhookBackoffMs`).
 */
export async function dispatchOutbox(opts: { db: Db; sms: SmsGateway; crypto: PersonalDataCrypto; batchSize?: number }): Promise<number> {
  const { db, sms, crypto } = opts;
  // Claimed a district at a time: FOR UPDATE ... SKIP LOCKED stays on one district's rows (one shard under Citus).
  const claimed: { district_code: string; id: string }[] = [];
  for (const district of await listDistricts(db)) {
    const { rows } = await db.execute<{ district_code: string; id: string }>(sql`
      update outbox set claimed_at = now(), attempts = attempts + 1
      where district_code = ${district} and id in (
        select id from outbox
        where district_code = ${district} and sent_at is null and claimed_at is null and next_attempt_at <= now()
          and attempts < case channel when 'webhook' then ${MAX_ATTEMPTS.webhook}::int else ${MAX_ATTEMPTS.sms}::int end
        order by created_at limit ${opts.batchSize ?? 100} for update skip locked)
      returning district_code, id`);
    claimed.push(...rows);
  }
  let sent = 0;
  for (const { district_code: d, id } of claimed) {
    const [m] = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.districtCode, d), eq(outbox.id, id)));
    if (!m) continue;
    try {
      if (m.channel === 'in_app') {
        if (m.recipientUserId) {
          await db
            .insert(notifications)
            .values({ districtCode: d, userId: m.recipientUserId, outboxId: m.id, caseId: m.caseId, title: m.title, body: m.body })
            .onConflictDoNothing();
        }
      } else if (m.channel === 'webhook') {
        await deliverWebhook(db, crypto, m);
      } else {
        if (!m.recipientPhoneEnc) throw new Error('sms without a phone number');
        const to = crypto.decrypt(m.recipientPhoneEnc);
        if (!isValidMobile(to)) {
          // A party's contact number may be a fixed line (shared/identifiers.ts): no text can reach it, so no retry.
          await db
            .update(outbox)
            .set({ attempts: MAX_ATTEMPTS.sms, lastError: 'not a mobile number: no text message sent' })
            .where(and(eq(outbox.districtCode, d), eq(outbox.id, id)));
          continue;
        }
        await sms.send({ to, text: `${m.title}：${m.body}`, dedupeKey: m.dedupeKey });
      }
      await db
        .update(outbox)
        .set({ sentAt: new Date(), lastError: null })
        .where(and(eq(outbox.districtCode, d), eq(outbox.id, id)));
      sent++;
    } catch (err) {
      await db
        .update(outbox)
        .set({
          claimedAt: null,
          lastError: String((err as Error).message ?? err).slice(0, 500),
          ...(m.channel === 'webhook' ? { nextAttemptAt: new Date(Date.now() + webhookBackoffMs(m.attempts)) } : {}),
        })
        .where(and(eq(outbox.districtCode, d), eq(outbox.id, id)));
    }
  }
  return sent;
}

/** POSTs a webhook message, signed with its client's secret; anything but a 2xx answer is a failure. */
async function deliverWebhook(db: Db, crypto: PersonalDataCrypto, m: typeof outbox.$inferSelect): Promise<void> {
  if (!m.targetUrl || !m.clientId || !m.payload) throw new Error('webhook without target, client or payload');
  const [client] = await db
    .select({ secret: apiClients.signingSecretEnc })
    .from(apiClients)
    .where(and(eq(apiClients.districtCode, m.districtCode), eq(apiClients.id, m.clientId)));
  if (!client) throw new Error('webhook client no longer exists');
  const body = JSON.stringify(m.payload);
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(m.targetUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-fengqiao-delivery': m.id,
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signBody(crypto.decrypt(client.secret), timestamp, body),
    },
    body,
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`webhook answered ${res.status}`);
}
