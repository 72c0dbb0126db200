import { createHash, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { CreateCaseBody } from '../../../shared/schemas/cases.js';
import type { Db, Tx } from '../../db/client.js';
import { caseEvents, caseParties, cases } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { shanghaiDate, type WorkCalendar } from '../../../shared/calendar.js';
import { applyClockEffects } from '../deadlines/case-clocks.js';
import { findOrCreatePerson } from '../persons/persons.repository.js';
import { findUnitByCode } from '../units/units.repository.js';
import type { CaseRow } from './cases.repository.js';
import { announceCaseChange } from './announce-case-change.js';
import { indexNewCase } from '../search/case-search-index.js';
import { assessNewCase } from '../related/assess-risk.js';
import { refreshCaseStats } from '../stats/case-stats.js';
import { ensureCaseNumberSequence, nextCaseNumber } from './case-numbers.js';

/** A tracking token a resident can type from a receipt: 20 characters of Crockford base32 (100 bits). */
function newTrackingToken(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return Array.from(randomBytes(20), (b) => alphabet[b & 31]).join('');
}

class DuplicateSubmission extends Error {}

/**
 * 登记: records a case from any channel with its parties, and the first timeline row, in one transaction.
 * With an idempotency key, a repeat of the same submission (a double click, a retry after a dropped
 * connection) returns the first case and creates nothing; the unique key settles concurrent repeats.
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
  /** Where a failed risk assessment is reported (the case itself is saved either way). */
  log?: { warn(obj: object, msg: string): void };
}): Promise<{ row: CaseRow; isReplay: boolean }> {
  const { db, crypto, calendar, actor, body, idempotencyKey, source } = opts;
  const d = actor.districtCode;
  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');

  // Inside a caller's transaction every query goes through it: a second connection could wait on the caller's lock.
  const q = opts.within ?? db;
  const replay = async () => {
    const [row] = await q
      .select()
      .from(cases)
      .where(and(eq(cases.districtCode, d), eq(cases.registeredBy, actor.id), eq(cases.idempotencyKey, idempotencyKey)));
    if (!row) return undefined;
    if (row.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    return { row, isReplay: true };
  };
  const earlier = await replay();
  if (earlier) return earlier;

  // Where the matter arose decides whose jurisdiction it is in; by default, the registering unit's.
  let place = { id: actor.unitId, path: actor.unitPath };
  if (body.place?.unitCode) {
    const unit = await findUnitByCode(q, d, body.place.unitCode);
    if (!unit) throw new AppError('UNIT_NOT_FOUND', { unitCode: body.place.unitCode });
    if (!unit.path.startsWith(actor.unitPath)) throw new AppError('UNIT_OUTSIDE_JURISDICTION', { unitCode: body.place.unitCode });
    place = { id: unit.id, path: unit.path };
  }

  const now = new Date();
  // Case codes count per calendar year in Asia/Shanghai.
  const year = Number(shanghaiDate(now).slice(0, 4));
  await ensureCaseNumberSequence(db, d, year);
  try {
    const row = await q.transaction(async (tx) => {
      const personIds: string[] = [];
      for (const party of body.parties) personIds.push(await findOrCreatePerson(tx, crypto, d, party));

      const number = await nextCaseNumber(tx, d, year);
      const code = `${d}-${year}-${String(number).padStart(6, '0')}`;
      const [inserted] = await tx
        .insert(cases)
        .values({
          districtCode: d,
          code,
          trackingToken: newTrackingToken(),
          channel: body.channel,
          kind: body.kind,
          category: body.category,
          summary: body.summary,
          narrative: body.narrative,
          peopleInvolved: body.peopleInvolved,
          riskLevel: body.riskLevel,
          difficulty: body.difficulty,
          placeAddress: body.place?.address ?? null,
          placeLat: body.place?.lat ?? null,
          placeLng: body.place?.lng ?? null,
          sourceClientId: source?.clientId ?? null,
          externalRef: source?.externalRef ?? null,
          unitId: place.id,
          unitPath: place.path,
          registeredBy: actor.id,
          status: 'registered',
          idempotencyKey,
          requestHash,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing({ target: [cases.districtCode, cases.registeredBy, cases.idempotencyKey] })
        .returning();
      if (!inserted) throw new DuplicateSubmission();
      // Only a camera's event comes without parties (the API requires at least one).
      if (body.parties.length) {
        await tx.insert(caseParties).values(
          body.parties.map((p, i) => ({ districtCode: d, caseId: inserted.id, personId: personIds[i]!, role: p.role, position: i })),
        );
      }
      await tx.insert(caseEvents).values({
        districtCode: d,
        caseId: inserted.id,
        at: now,
        actorId: actor.id,
        actorName: actor.displayName,
        action: 'register',
        toStatus: 'registered',
        data: { channel: body.channel },
      });
      await applyClockEffects({ tx, calendar, row: inserted, action: 'register', at: now });
      await indexNewCase(tx, crypto, inserted, body.parties);
      await opts.alsoInTransaction?.(tx, inserted);
      await refreshCaseStats(tx, d, [inserted.id]);
      await announceCaseChange(tx, inserted, 'register', now);
      return inserted;
    });
    // 风险研判 after the commit (a camera's event is assessed by its own folding instead).
    if (body.channel === 'camera' || opts.within) return { row, isReplay: false };
    try {
      return { row: await assessNewCase({ db, crypto, actor, row, body }), isReplay: false };
    } catch (err) {
      opts.log?.warn({ err, caseId: row.id }, 'risk assessment failed; the case is registered unassessed');
      return { row, isReplay: false };
    }
  } catch (err) {
    // A concurrent twin committed first: ours rolled back whole, so answer with theirs.
    if (err instanceof DuplicateSubmission) {
      const twin = await replay();
      if (twin) return twin;
    }
    throw err;
  }
}

