import { createHash, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { CreateCaseBody } from '../../../shared/schemas/cases.js';
import type { Db, Tx } from '../../db/client.js';
import { cases } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { shanghaiDate, type WorkCalendar } from '../../../shared/calendar.js';
import { applyPersonUpdates, partyAsGiven, planPartyPersons } from '../persons/persons.repository.js';
import { searchDocumentsOf } from '../search/case-search-index.js';
import { findUnitByCode } from '../units/units.repository.js';
import type { CaseRow } from './case-row.js';
import { ensureCaseNumberSequence } from './case-numbers.js';
import { recordNewCase } from './record-case-change.js';

/** A tracking token a resident can type from a receipt: 20 characters of Crockford base32 (100 bits). */
function newTrackingToken(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return Array.from(randomBytes(20), (b) => alphabet[b & 31]).join('');
}

class DuplicateSubmission extends Error {}

/**
 * 登记: records a case from any channel with its parties as given, and the first timeline row, in one transaction
 * (`recordNewCase`). With an idempotency key, a repeat of the same submission (a double click, a retry after a dropped
 * connection) returns the first case and creates nothing; the unique key settles concurrent repeats. The risk
 * assessment (风险研判) is queued in the same transaction and runs a moment later, so the answer never waits for it.
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
  // The words are cut before the transaction opens: it holds its locks for the writes only.
  const search = searchDocumentsOf(crypto, body, body.parties);
  try {
    const row = await q.transaction(async (tx) => {
      // The registry's records: checked and decided first (a name that differs, one person twice: refused before any
      // write); new ones are written with the case, in its statement.
      const persons = await planPartyPersons(tx, crypto, d, body.parties);
      await applyPersonUpdates(tx, d, persons.updates);
      const inserted = await recordNewCase({
        db,
        tx,
        calendar,
        author: { id: actor.id, displayName: actor.displayName },
        newCase: {
          values: {
            districtCode: d,
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
            idempotencyKey,
            requestHash,
            createdAt: now,
            updatedAt: now,
          },
          year,
          newPersons: persons.toCreate,
          parties: body.parties.map((p, i) => ({ personId: persons.personIds[i]!, role: p.role, position: i, ...partyAsGiven(crypto, p) })),
          search,
          eventData: { channel: body.channel },
          // A camera's event is judged by its own folding instead.
          assess: body.channel !== 'camera',
        },
        also: opts.alsoInTransaction,
      });
      if (!inserted) throw new DuplicateSubmission();
      return inserted;
    });
    return { row, isReplay: false };
  } catch (err) {
    // An earlier submission with this key (or a concurrent twin that committed first): ours rolled back whole, so
    // answer with theirs — or refuse a key reused for other content.
    if (err instanceof DuplicateSubmission) {
      const twin = await replay();
      if (twin) return twin;
    }
    throw err;
  }
}
