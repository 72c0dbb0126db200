import { randomUUID } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { WorkCalendar } from '../../../shared/calendar.js';
import { CASE_TRANSITIONS, type CaseAction, type CaseStatus } from '../../../shared/case-lifecycle.js';
import { executePrepared, type Db, type Tx } from '../../db/client.js';
import { rowsFromJson } from '../../db/json-rows.js';
import { caseEvents, caseParties, cases, type caseClocks } from '../../db/schema.js';
import { AppError } from '../../plugins/errors.js';
import { applyClockEffects, newClocks } from '../deadlines/case-clocks.js';
import { enabledTimeLimits } from '../deadlines/time-limits.repository.js';
import { liveEventSql, liveNotifySql } from '../live/live-hub.js';
import { indexCaseText } from '../search/case-search-index.js';
import { newCaseStatsEntries, refreshCaseStats } from '../stats/case-stats.js';
import type { NewPerson } from '../persons/persons.repository.js';
import { caseLiveEvent, queueStatusCallback } from './announce-case-change.js';
import type { CaseRow } from './case-row.js';

/**
 * THE write path of a case: every change to a case — a lifecycle step, a mediation session, an agreement, a petition
 * reply, a package, a risk signal, the sweep's escalation, a camera's repeat — goes through `recordCaseChange`, and
 * every new case through `recordNewCase`. Nothing else inserts timeline rows (`case_events`) or moves
 * `cases.version`; so every change locks the case, checks the version the user saw, writes the case and its timeline,
 * moves the clocks, indexes new words, updates the statistics and tells the live boards and the sending system, in one
 * transaction — all of it or none of it.
 */

/** A row of the case's timeline. `toStatus` is recorded only for steps that move the status. */
export interface TimelineEntryInput {
  action: string;
  fromStatus?: CaseStatus | null;
  toStatus?: CaseStatus | null;
  reason?: string | null;
  data?: Record<string, unknown> | null;
}

/** Who the timeline names: a staff member, or the platform itself (id null, e.g. 风险研判（系统）). */
export interface ChangeAuthor {
  id: string | null;
  displayName: string;
}

/** The columns a change may set; the key, the number, the version and the timestamps belong to the write path. */
export type CaseColumns = Partial<Omit<typeof cases.$inferInsert, 'districtCode' | 'id' | 'code' | 'trackingToken' | 'version' | 'createdAt' | 'updatedAt'>>;

export interface CaseChange {
  /** What changes on the case row. */
  set?: CaseColumns;
  /** Its timeline rows, at least one. */
  events: TimelineEntryInput[];
  /** The lifecycle steps whose clock effects apply (`CLOCK_EFFECTS`), in order. */
  clockSteps?: readonly CaseAction[];
  /** New words for the case's full-text vector (a note, a reason). */
  indexText?: string;
  /** More writes of the same change, once the case row and the timeline rows exist (ids in `events` order). */
  also?: (tx: Tx, updated: CaseRow, eventIds: number[]) => Promise<void>;
}

/**
 * Records one change of a case, in the caller's transaction (`within`) or a new one:
 * 1. locks the case row (concurrent changes take turns; the second sees the first);
 * 2. `guard` on the locked row (visibility, role: throw to refuse) — then the version the user saw, when given
 *    (the loser of a race gets CASE_VERSION_CONFLICT, never a silent overwrite);
 * 3. `decide` the change (the step's own checks and writes);
 * 4. writes the row with `version + 1`, the timeline rows, the clock effects, the search words, the statistics, the
 *    live announcement (NOTIFY, delivered on commit) and, on a status change, the sender's callback (outbox).
 */
export async function recordCaseChange(opts: {
  db: Db;
  within?: Tx;
  /** Needed when the change moves clocks (`clockSteps`). */
  calendar?: WorkCalendar;
  districtCode: string;
  caseId: string;
  author: ChangeAuthor;
  expectedVersion?: number;
  /** When the change happened: now, unless a scheduled task acts as of its own run time. */
  at?: Date;
  guard?: (row: CaseRow) => void;
  decide: (ctx: { tx: Tx; row: CaseRow }) => Promise<CaseChange>;
}): Promise<{ row: CaseRow; previous: CaseRow; eventIds: number[] }> {
  const run = async (tx: Tx) => {
    const [row] = await tx
      .select()
      .from(cases)
      .where(and(eq(cases.districtCode, opts.districtCode), eq(cases.id, opts.caseId)))
      .for('update');
    if (!row) throw new AppError('CASE_NOT_FOUND');
    opts.guard?.(row);
    if (opts.expectedVersion !== undefined && row.version !== opts.expectedVersion) {
      throw new AppError('CASE_VERSION_CONFLICT', { expectedVersion: opts.expectedVersion, currentVersion: row.version });
    }
    const change = await opts.decide({ tx, row });
    if (change.events.length === 0) throw new Error('a case change needs a timeline row');
    const now = opts.at ?? new Date();
    const [updated] = await tx
      .update(cases)
      .set({ ...change.set, version: sql`${cases.version} + 1`, updatedAt: now })
      .where(and(eq(cases.districtCode, row.districtCode), eq(cases.id, row.id)))
      .returning();
    const inserted = await tx
      .insert(caseEvents)
      .values(
        change.events.map((e) => ({
          districtCode: row.districtCode,
          caseId: row.id,
          at: now,
          actorId: opts.author.id,
          actorName: opts.author.displayName,
          action: e.action,
          fromStatus: e.fromStatus ?? null,
          toStatus: e.toStatus ?? null,
          reason: e.reason ?? null,
          data: e.data && Object.keys(e.data).length ? e.data : null,
        })),
      )
      .returning({ id: caseEvents.id });
    const eventIds = inserted.map((e) => e.id);
    if (change.clockSteps?.length) {
      if (!opts.calendar) throw new Error('a change that moves clocks needs the calendar');
      const policies = await enabledTimeLimits(opts.db, row.districtCode);
      for (const step of change.clockSteps) await applyClockEffects({ tx, calendar: opts.calendar, row: updated!, action: step, at: now, policies });
    }
    if (change.indexText?.trim()) await indexCaseText(tx, updated!, change.indexText);
    await change.also?.(tx, updated!, eventIds);
    await refreshCaseStats(tx, row.districtCode, [row.id]);
    await tx.execute(sql`select ${liveEventSql(caseLiveEvent(updated!, 'case.changed', now))}`);
    if (updated!.status !== row.status) await queueStatusCallback(tx, updated!, change.events[0]!.action, now);
    return { row: updated!, previous: row, eventIds };
  };
  return opts.within ? run(opts.within) : opts.db.transaction(run);
}

/** A lifecycle step's timeline row: the status move it makes (none for steps that keep the status, e.g. a note). */
export function stepEntry(action: CaseAction, from: CaseStatus, to: CaseStatus, reason: string | null, data: Record<string, unknown>): TimelineEntryInput {
  return { action, fromStatus: from, toStatus: CASE_TRANSITIONS[action].to === null ? null : to, reason, data };
}

/** What a new case is registered with, prepared by `registerCase` (the parties resolved, the documents tokenised). */
export interface NewCase {
  /** The case row without its number: `recordNewCase` takes the next one of the district and year. */
  values: Omit<typeof cases.$inferInsert, 'id' | 'code' | 'status' | 'version'> & { createdAt: Date };
  year: number;
  /** Registry records to create for parties the registry did not know (their ids already chosen). */
  newPersons: NewPerson[];
  /** The parties as given, with the registry's person for each. */
  parties: Omit<typeof caseParties.$inferInsert, 'districtCode' | 'caseId'>[];
  /** The full-text documents (jieba words) of the narrative and of the parties. */
  search: { text: string; parties: string };
  /** Data of the `register` timeline row. */
  eventData: Record<string, unknown>;
  /** Queue the case for 风险研判 (every door but a camera's, which its folding judges). */
  assess: boolean;
}

/**
 * Writes a new case and everything that comes with it in ONE statement, in the caller's transaction: the parties'
 * new registry records, the case row (its number from the district-year sequence), the parties as given, the first
 * timeline row, the search vectors, the first running clock, the risk-assessment queue row, the statistics (the
 * same facts `refreshCaseStats` computes) and the live announcement. Every part but the registry records hangs on the
 * case row, so a concurrent twin with the same idempotency key inserts nothing and `undefined` comes back (the caller
 * rolls back its transaction). Statements of this shape are prepared once per connection (`executePrepared`).
 */
export async function recordNewCase(opts: {
  db: Db;
  tx: Tx;
  calendar: WorkCalendar;
  author: ChangeAuthor;
  newCase: NewCase;
  /** Writes of the same registration once the case exists (a camera alert links itself here). */
  also?: (tx: Tx, row: CaseRow) => Promise<void>;
}): Promise<CaseRow | undefined> {
  const { tx, newCase } = opts;
  const v = newCase.values;
  const d = v.districtCode;
  const at = v.createdAt;
  const id = randomUUID();
  // What the row will be, but for its number: the clocks and the live event are computed from it here.
  const draft = { ...v, id, code: '', status: 'registered', version: 1 } as CaseRow;
  const clocks = newClocks({ calendar: opts.calendar, policies: await enabledTimeLimits(opts.db, d), row: draft, stages: ['acceptance'], at });
  const live = caseLiveEvent({ ...draft, leadUnitPath: null, coUnitIds: [] }, 'case.registered', at);
  const sequence = `case_number_${d}_${newCase.year}`;
  if (!/^case_number_\d{6}_\d{4}$/.test(sequence)) throw new Error('bad case number sequence');
  const [result] = await executePrepared<{ row: Record<string, unknown> }>(
    tx,
    `fq_register_case_${sequence}`,
    sql`
    with new_persons as (
      insert into persons (district_code, id, type, name, name_pinyin, credit_code, id_number_enc, id_number_hash, phone_enc, phone_hash, phone_suffix_hash, address_enc, address_hash)
      select ${d}, p.id, p.type, p.name, p.name_pinyin, p.credit_code, decode(p.id_number_enc, 'base64'), p.id_number_hash,
        decode(p.phone_enc, 'base64'), p.phone_hash, p.phone_suffix_hash, decode(p.address_enc, 'base64'), p.address_hash
      from jsonb_to_recordset(${JSON.stringify(newCase.newPersons.map(encodePerson))}::jsonb)
        as p(id uuid, type text, name text, name_pinyin text, credit_code text, id_number_enc text, id_number_hash text, phone_enc text, phone_hash text, phone_suffix_hash text, address_enc text, address_hash text)
      returning 1
    ),
    c as (
      insert into cases (district_code, id, code, tracking_token, channel, kind, category, summary, narrative, people_involved, risk_level, difficulty,
        place_address, place_lat, place_lng, source_client_id, external_ref, unit_id, unit_path, registered_by, status, idempotency_key, request_hash, created_at, updated_at)
      values (${d}, ${id}::uuid, ${`${d}-${newCase.year}-`} || lpad(nextval(${sequence}::regclass)::text, 6, '0'), ${v.trackingToken}, ${v.channel}, ${v.kind}, ${v.category},
        ${v.summary}, ${v.narrative}, ${v.peopleInvolved}, ${v.riskLevel}, ${v.difficulty ?? 'ordinary'}, ${v.placeAddress ?? null}, ${v.placeLat ?? null}::double precision,
        ${v.placeLng ?? null}::double precision, ${v.sourceClientId ?? null}::uuid, ${v.externalRef ?? null}, ${v.unitId}::uuid, ${v.unitPath}, ${v.registeredBy}::uuid,
        'registered', ${v.idempotencyKey ?? null}, ${v.requestHash ?? null}, ${at}, ${at})
      on conflict (district_code, registered_by, idempotency_key) do nothing
      returning *
    ),
    parties as (
      insert into case_parties (district_code, case_id, person_id, role, position, type, name, id_number_enc, phone_enc, address_enc, credit_code)
      select c.district_code, c.id, p.person_id, p.role, p.position, p.type, p.name,
        decode(p.id_number_enc, 'base64'), decode(p.phone_enc, 'base64'), decode(p.address_enc, 'base64'), p.credit_code
      from c, jsonb_to_recordset(${JSON.stringify(newCase.parties.map(encodeParty))}::jsonb)
        as p(person_id uuid, role text, position int, type text, name text, id_number_enc text, phone_enc text, address_enc text, credit_code text)
      returning 1
    ),
    timeline as (
      insert into case_events (district_code, case_id, at, actor_id, actor_name, action, to_status, data)
      select c.district_code, c.id, ${at}, ${opts.author.id}::uuid, ${opts.author.displayName}, 'register', 'registered', ${JSON.stringify(newCase.eventData)}::jsonb from c
      returning 1
    ),
    search as (
      insert into case_search (district_code, case_id, search_vector, party_vector)
      select c.district_code, c.id, to_tsvector('simple', ${newCase.search.text}), to_tsvector('simple', ${newCase.search.parties}) from c
      returning 1
    ),
    clocks as (
      insert into case_clocks (district_code, case_id, stage, policy_id, days, unit, warn_percent, max_extension_days, legal_basis, started_at, started_on, due_date, is_provisional)
      select c.district_code, c.id, k.stage, k.policy_id, k.days, k.unit, k.warn_percent, k.max_extension_days, k.legal_basis, ${at}, k.started_on, k.due_date, k.is_provisional
      from c, jsonb_to_recordset(${JSON.stringify(clocks.map(encodeClock))}::jsonb)
        as k(stage text, policy_id uuid, days int, unit text, warn_percent int, max_extension_days int, legal_basis text, started_on date, due_date date, is_provisional int)
      returning 1
    ),
    queued as (
      insert into case_assessments (district_code, case_id) select c.district_code, c.id from c where ${newCase.assess}::boolean
      returning 1
    ),
    ${sql.raw(newCaseStatsEntries('c', d))},
    announced as (
      select ${liveNotifySql(sql`jsonb_set(${JSON.stringify(live)}::jsonb, '{code}', to_jsonb(c.code))::text`)} from c
    )
    select to_jsonb(c) as row, (select count(*) from announced) as announced from c`,
  );
  if (!result) return undefined;
  const [row] = rowsFromJson(cases, [result.row]);
  await opts.also?.(tx, row!);
  return row;
}

const base64 = (b: Buffer | null | undefined) => (b ? b.toString('base64') : null);

function encodePerson(p: NewPerson) {
  return {
    id: p.id,
    type: p.type,
    name: p.name,
    name_pinyin: p.namePinyin ?? null,
    credit_code: p.creditCode ?? null,
    id_number_enc: base64(p.idNumberEnc),
    id_number_hash: p.idNumberHash ?? null,
    phone_enc: base64(p.phoneEnc),
    phone_hash: p.phoneHash ?? null,
    phone_suffix_hash: p.phoneSuffixHash ?? null,
    address_enc: base64(p.addressEnc),
    address_hash: p.addressHash ?? null,
  };
}

function encodeParty(p: NewCase['parties'][number]) {
  return {
    person_id: p.personId,
    role: p.role,
    position: p.position,
    type: p.type,
    name: p.name,
    id_number_enc: base64(p.idNumberEnc),
    phone_enc: base64(p.phoneEnc),
    address_enc: base64(p.addressEnc),
    credit_code: p.creditCode ?? null,
  };
}

function encodeClock(k: typeof caseClocks.$inferInsert) {
  return {
    stage: k.stage,
    policy_id: k.policyId,
    days: k.days,
    unit: k.unit,
    warn_percent: k.warnPercent,
    max_extension_days: k.maxExtensionDays,
    legal_basis: k.legalBasis,
    started_on: k.startedOn,
    due_date: k.dueDate,
    is_provisional: k.isProvisional,
  };
}

/**
 * A change that only adds a timeline row (an agreement signed, a package joined, a reply written), in the caller's
 * transaction: the case is locked and its version moves like any other change, so a user holding the old version
 * learns that the case changed.
 */
export async function recordCaseEvent(opts: { db: Db; within: Tx; districtCode: string; caseId: string; author: ChangeAuthor; event: TimelineEntryInput; set?: CaseColumns; at?: Date }): Promise<CaseRow> {
  const { row } = await recordCaseChange({
    db: opts.db,
    within: opts.within,
    districtCode: opts.districtCode,
    caseId: opts.caseId,
    author: opts.author,
    at: opts.at,
    decide: async () => ({ set: opts.set, events: [opts.event] }),
  });
  return row;
}

/**
 * Timeline rows of history loaded in bulk (the demo's year of history, a benchmark's millions): cases that were never
 * live here, so there is no version to move, no clock, no live board to tell. `rows` selects, in this order:
 * district_code, case_id, at, actor_name, action, from_status, to_status, reason.
 */
export async function appendLoadedTimeline(tx: Tx, rows: SQL): Promise<void> {
  await tx.execute(sql`insert into case_events (district_code, case_id, at, actor_name, action, from_status, to_status, reason) ${rows}`);
}
