import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { CreateCaseBody } from '../../../shared/schemas/cases.js';
import type { Db, Tx } from '../../db/client.js';
import { cases } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { secureRandomBytes } from '../../lib/secure-random.js';
import { shanghaiDate, type WorkCalendar } from '../../../shared/calendar.js';
import { applyPersonUpdates, partyAsGiven, planPartyPersonsBatch } from '../persons/persons.repository.js';
import { searchDocumentsOf } from '../search/case-search-index.js';
import { findUnitByCodeCached, findUnitByIdCached } from '../units/units.repository.js';
import type { CaseRow } from './case-row.js';
import { ensureCaseNumberSequence } from './case-numbers.js';
import { recordNewCases, type NewCase, type RecordedCase } from './record-case-change.js';

/** A tracking token a resident can type from a receipt: 20 characters of Crockford base32 (100 bits). */
function newTrackingToken(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return Array.from(secureRandomBytes(20), (b) => alphabet[b & 31]).join('');
}

/** What a registration answers: the case, whether it was there already (a repeat), and what was written for it. */
export interface Registered {
  row: CaseRow;
  isReplay: boolean;
  /** The new case's rows and its place unit (a repeat has none: read its detail instead). */
  recorded?: RecordedCase & { place: { id: string; code: string; name: string } };
}

/** One registration ready to write: checked, its place found, its words cut. */
interface Prepared {
  db: Db;
  crypto: PersonalDataCrypto;
  calendar: WorkCalendar;
  actor: Actor;
  body: CreateCaseBody;
  idempotencyKey: string;
  requestHash: string;
  place: { id: string; code: string; name: string; path: string };
  year: number;
  now: Date;
  search: { text: string; parties: string };
  source?: { clientId: string; externalRef: string };
}

/**
 * 登记: records a case from any channel with its parties as given and its first timeline row (`recordNewCases`).
 * With an idempotency key, a repeat of the same submission (a double click, a retry after a dropped connection) returns
 * the first case and creates nothing; the unique key settles concurrent repeats. The risk assessment (风险研判) is
 * queued with the case and runs a moment later, so the answer never waits for it.
 *
 * Registrations arriving together are written together: while one batch is being written, the next ones wait and
 * then go as one transaction and one statement (`RegistrationBatches`) — a morning queue, a 12345 burst or a camera
 * storm costs one round trip per batch, not per case. Each registration is still refused or answered on its own.
 */
export async function registerCase(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  calendar: WorkCalendar;
  actor: Actor;
  body: CreateCaseBody;
  idempotencyKey: string;
  /** A case another system sent: that system and its own reference (idempotency then keys on the reference). */
  source?: { clientId: string; externalRef: string };
  /** Runs inside the registration's transaction, after the case row exists (a camera alert links itself here). */
  alsoInTransaction?: (tx: Tx, row: CaseRow) => Promise<void>;
  /** A caller's open transaction to register within (as a savepoint), e.g. under the caller's lock. */
  within?: Tx;
}): Promise<Registered> {
  const { db, crypto, calendar, actor, body, idempotencyKey, source } = opts;
  const d = actor.districtCode;
  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const q = opts.within ?? db;

  // Where the matter arose decides whose jurisdiction it is in; by default, the registering unit's.
  const place = body.place?.unitCode
    ? await findUnitByCodeCached(db, d, body.place.unitCode)
    : await findUnitByIdCached(db, d, actor.unitId);
  if (!place) throw new AppError('UNIT_NOT_FOUND', { unitCode: body.place?.unitCode });
  if (!place.path.startsWith(actor.unitPath)) throw new AppError('UNIT_OUTSIDE_JURISDICTION', { unitCode: body.place?.unitCode });

  const now = new Date();
  // Case codes count per calendar year in Asia/Shanghai.
  const year = Number(shanghaiDate(now).slice(0, 4));
  await ensureCaseNumberSequence(db, d, year);
  // The words are cut before any transaction opens: it holds its locks for the writes only.
  const item: Prepared = {
    db,
    crypto,
    calendar,
    actor,
    body,
    idempotencyKey,
    requestHash,
    place,
    year,
    now,
    search: searchDocumentsOf(crypto, body, body.parties),
    source,
  };

  if (opts.within || opts.alsoInTransaction) {
    // Inside a caller's transaction (or with writes of its own), alone and at once.
    const [outcome] = await q.transaction(async (tx) => {
      const results = await writeRegistrations(tx, [item]);
      const written = results[0];
      if (written && !(written instanceof AppError) && written !== DUPLICATE) await opts.alsoInTransaction?.(tx, written.row);
      return results;
    });
    return settle(item, outcome!);
  }
  return batchesOf(db).submit(item);
}

const DUPLICATE = Symbol('duplicate');
type Outcome = RecordedCase | AppError | typeof DUPLICATE;

/** A repeat of an earlier submission (same sender, same key): the first case, unless the content differs. */
async function replay(item: Prepared): Promise<Registered> {
  const [row] = await item.db
    .select()
    .from(cases)
    .where(
      and(
        eq(cases.districtCode, item.actor.districtCode),
        eq(cases.registeredBy, item.actor.id),
        eq(cases.idempotencyKey, item.idempotencyKey),
      ),
    );
  if (!row) throw new Error('registration neither written nor found');
  if (row.requestHash !== item.requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  return { row, isReplay: true };
}

async function settle(item: Prepared, outcome: Outcome): Promise<Registered> {
  if (outcome === DUPLICATE) return replay(item);
  if (outcome instanceof AppError) throw outcome;
  return {
    row: outcome.row,
    isReplay: false,
    recorded: { ...outcome, place: { id: item.place.id, code: item.place.code, name: item.place.name } },
  };
}

/**
 * Writes registrations of one district and year in the caller's transaction: the registry's records of all their
 * parties decided with one lookup (a refusal — a name that differs, one person twice — refuses that registration
 * only), then every case in one statement. A case whose key was taken meanwhile comes back as DUPLICATE.
 */
async function writeRegistrations(tx: Tx, items: readonly Prepared[]): Promise<Outcome[]> {
  const first = items[0]!;
  const d = first.actor.districtCode;
  const plans = await planPartyPersonsBatch(
    tx,
    first.crypto,
    d,
    items.map((i) => i.body.parties),
  );
  const accepted = items.flatMap((item, i) =>
    plans[i] instanceof AppError ? [] : [{ item, plan: plans[i] as Exclude<(typeof plans)[number], AppError>, i }],
  );
  await applyPersonUpdates(
    tx,
    d,
    accepted.flatMap((a) => a.plan.updates),
  );
  const newCases: NewCase[] = accepted.map(({ item, plan }) => ({
    values: {
      districtCode: d,
      trackingToken: newTrackingToken(),
      channel: item.body.channel,
      kind: item.body.kind,
      category: item.body.category,
      summary: item.body.summary,
      narrative: item.body.narrative,
      peopleInvolved: item.body.peopleInvolved,
      riskLevel: item.body.riskLevel,
      difficulty: item.body.difficulty,
      placeAddress: item.body.place?.address ?? null,
      placeLat: item.body.place?.lat ?? null,
      placeLng: item.body.place?.lng ?? null,
      sourceClientId: item.source?.clientId ?? null,
      externalRef: item.source?.externalRef ?? null,
      unitId: item.place.id,
      unitPath: item.place.path,
      registeredBy: item.actor.id,
      idempotencyKey: item.idempotencyKey,
      requestHash: item.requestHash,
      createdAt: item.now,
      updatedAt: item.now,
    },
    year: item.year,
    author: { id: item.actor.id, displayName: item.actor.displayName },
    newPersons: plan.toCreate,
    parties: item.body.parties.map((p, n) => ({
      personId: plan.personIds[n]!,
      role: p.role,
      position: n,
      ...partyAsGiven(item.crypto, p),
    })),
    search: item.search,
    eventData: { channel: item.body.channel },
    // A camera's event is judged by its own folding instead.
    assess: item.body.channel !== 'camera',
  }));
  const written = await recordNewCases({ db: first.db, tx, calendar: first.calendar, newCases });
  return items.map((_, i) => {
    const plan = plans[i]!;
    if (plan instanceof AppError) return plan;
    const n = accepted.findIndex((a) => a.i === i);
    return written.get(String(n)) ?? DUPLICATE;
  });
}

/** At most this many registrations in one batch, and this many batches of a district and year written at once. */
const MAX_BATCH = 64;
const MAX_IN_FLIGHT = 2;

interface Waiting {
  item: Prepared;
  resolve: (r: Registered) => void;
  reject: (err: unknown) => void;
}

/**
 * Natural batching of registrations: one arriving while fewer than MAX_IN_FLIGHT batches are being written goes at
 * once (a lone clerk waits for nobody); the ones arriving meanwhile go together in the next batch. A batch that fails
 * as a whole (not a refusal of one registration, which answers that one only) is tried again one registration at a
 * time, so one registration's failure never fails another's.
 */
class RegistrationBatches {
  private readonly queues = new Map<string, Waiting[]>();
  private readonly inFlight = new Map<string, number>();

  submit(item: Prepared): Promise<Registered> {
    const key = `${item.actor.districtCode}:${item.year}`;
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(key) ?? [];
      this.queues.set(key, queue);
      queue.push({ item, resolve, reject });
      this.pump(key);
    });
  }

  private pump(key: string) {
    const queue = this.queues.get(key)!;
    while (queue.length > 0 && (this.inFlight.get(key) ?? 0) < MAX_IN_FLIGHT) {
      const batch = takeBatch(queue);
      this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
      void this.write(batch).finally(() => {
        this.inFlight.set(key, this.inFlight.get(key)! - 1);
        this.pump(key);
      });
    }
  }

  private async write(batch: Waiting[]) {
    let outcomes: Outcome[];
    try {
      outcomes = await withRetryOnConflict(() =>
        batch[0]!.item.db.transaction((tx) =>
          writeRegistrations(
            tx,
            batch.map((w) => w.item),
          ),
        ),
      );
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const w of batch) await this.write([w]);
      return;
    }
    await Promise.all(batch.map((w, i) => settle(w.item, outcomes[i]!).then(w.resolve, w.reject)));
  }
}

/**
 * A transaction PostgreSQL chose to abort for another's sake (deadlock 40P01, serialization failure 40001) wrote
 * nothing: it is run again, a few times, rather than answered as an error — a registration is never lost to a
 * collision with another one (the idempotency key still makes the retry safe).
 * So is a transfer that met the same sender's reference being written by another transaction (two batches in flight,
 * or two instances): `on conflict … do nothing` covers the idempotency key only, and the reference's own unique index
 * waits for the other writer and then fails (23505 on cases_external_ref_key). Run again, the insert finds the case
 * already there and the sender gets it back as a repeat (integrations.test.ts, eight transfers of one reference at once).
 */
async function withRetryOnConflict<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
      const code = e.code ?? e.cause?.code;
      const constraint = e.constraint ?? e.cause?.constraint;
      const retried = code === '40P01' || code === '40001' || (code === '23505' && constraint === 'cases_external_ref_key');
      if (i >= attempts || !retried) throw err;
    }
  }
}

/** The next batch: up to MAX_BATCH registrations, one per sender and key (a repeat in the same batch waits for the first). */
function takeBatch(queue: Waiting[]): Waiting[] {
  const batch: Waiting[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < queue.length && batch.length < MAX_BATCH;) {
    const key = `${queue[i]!.item.actor.id}:${queue[i]!.item.idempotencyKey}`;
    if (keys.has(key)) {
      i++;
      continue;
    }
    keys.add(key);
    batch.push(...queue.splice(i, 1));
  }
  return batch;
}

const batches = new WeakMap<Db, RegistrationBatches>();
function batchesOf(db: Db): RegistrationBatches {
  let b = batches.get(db);
  if (!b) batches.set(db, (b = new RegistrationBatches()));
  return b;
}
