import { randomUUID } from 'node:crypto';
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { WorkCalendar } from '../../../shared/calendar.js';
import { CASE_TRANSITIONS, type CaseAction, type CaseStatus } from '../../../shared/case-lifecycle.js';
import { executePrepared, planOnceDb, type Db, type Tx } from '../../db/client.js';
import { asColumns, rowsFromJson } from '../../db/json-rows.js';
import { caseClocks, caseEvents, caseParties, cases } from '../../db/schema.js';
import { AppError } from '../../plugins/errors.js';
import { newClocks, planClockEffects, RUNNING_CLOCKS_JSON, type ClockPlan, type ClockRow } from '../deadlines/case-clocks.js';
import { enabledTimeLimits } from '../deadlines/time-limits.repository.js';
import { announce } from '../../lib/live-hub.js';
import { tokensOf } from '../search/case-search-index.js';
import { changedCaseStatsEntries, newCaseStatsEntries, refreshCaseStats } from '../stats/case-stats.js';
import type { NewPerson } from '../persons/persons.repository.js';
import { caseLiveEvent, queueStatusCallback } from './announce-case-change.js';
import type { CaseRow } from './case-row.js';
import { BACKFILLED, detailPartsFrom, detailPartsSelect, loadCaseDetailParts, type CaseDetailParts } from './case-detail.js';
import { rememberCase, takeRecentCase, type RecentCase } from './recent-cases.js';

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

/**
 * The columns a change may set; the key, the number, the version and the timestamps belong to the write path, and the
 * place is fixed at registration (its clocks and statistics rows carry its path: `case_clocks.unit_path`).
 */
export type CaseColumns = Partial<
  Omit<
    typeof cases.$inferInsert,
    'districtCode' | 'id' | 'code' | 'trackingToken' | 'version' | 'createdAt' | 'updatedAt' | 'unitId' | 'unitPath'
  >
>;

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

/** What `recordCaseChange` takes. */
export interface CaseChangeOptions {
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
  /** Also read the case's detail parts as changed (for the answer), in the change's own statement when it can. */
  detail?: boolean;
  /**
   * The caller's promise that `decide` only reads (no `also`): the change is then first tried as ONE autocommitted
   * statement, without the lock, on the row as read — see `recordCaseChange`.
   */
  optimistic?: boolean;
}

/** The outcome of a change: the row as written, as it was, the new timeline rows' ids and, when asked, the detail parts. */
export interface RecordedChange {
  row: CaseRow;
  previous: CaseRow;
  eventIds: number[];
  parts?: CaseDetailParts;
}

/**
 * Records one change of a case, in the caller's transaction (`within`) or a new one:
 * 1. locks the case row (concurrent changes take turns; the second sees the first);
 * 2. `guard` on the locked row (visibility, role: throw to refuse) — then the version the user saw, when given
 *    (the loser of a race gets CASE_VERSION_CONFLICT, never a silent overwrite);
 * 3. `decide` the change (the step's own checks and writes);
 * 4. writes the row with `version + 1`, the timeline rows, the clock effects, the search words, the statistics, the
 *    live announcement (sent once the transaction commits, lib/live-hub.ts) and, on a status change, the sender's callback (outbox).
 *
 * An `optimistic` change without a caller's transaction first reads the row and its running clocks without a lock, and
 * writes everything in one autocommitted statement whose every part is conditional on the case row being updated — which
 * it is only while the case row is still the very row version read (its `xmin`; the version alone is not enough:
 * whoever changes a case's clocks gives the case row a new version, deadlines/case-clocks.ts `lockCasesForClocks`, and a
 * statement that waited for that writer's lock checks the row as it is after it — the clocks read by a subquery would be
 * judged as of the statement's start, before the writer committed). A
 * case changed in between makes the statement write nothing; the change is then made the locking way above, on the row
 * as it is now (which answers CASE_VERSION_CONFLICT to a user who saw an older version). Two round trips instead of
 * four (BEGIN, the locking read, the change, COMMIT) and no lock record (docs/PERFORMANCE.md, ninth round). Changes
 * that write more (`also`), statistics that need their own statement, or a sender to call back take the locking way.
 */
export async function recordCaseChange(opts: CaseChangeOptions): Promise<RecordedChange> {
  if (opts.optimistic && !opts.within) {
    const done = await changeOptimistically(opts);
    if (done) return done;
  }
  const run = async (tx: Tx) => {
    // The row, locked. In a transaction of its own, the change's statements take their generic plans from the first
    // call on a connection (see GENERIC_PLANS).
    const own = !opts.within;
    const [locked] = await executePrepared<{ row: Record<string, unknown> }>(
      tx,
      own ? 'fq_lock_case_own' : 'fq_lock_case',
      sql`select to_jsonb(c) as row${sql.raw(own ? `, ${GENERIC_PLANS}` : '')}
        from cases c where c.district_code = ${opts.districtCode} and c.id = ${opts.caseId} for update of c`,
    );
    if (!locked) throw new AppError('CASE_NOT_FOUND');
    // Its running clocks, when the change moves them, read by a statement of their own once the lock is held: a
    // statement that waited for the lock reads everything but the locked row as of its start — a recomputation of the
    // clocks that held the lock (deadlines/case-clocks.ts `lockCasesForClocks`) would be read as it was before, and
    // written back.
    const running = async () =>
      rowsFromJson(
        caseClocks,
        (
          await executePrepared<{ running: unknown }>(
            tx,
            'fq_case_running_clocks',
            sql`select ${sql.raw(RUNNING_CLOCKS_JSON)} as running from (select ${opts.districtCode}::text as district_code, ${opts.caseId}::uuid as id) c`,
          )
        )[0]!.running,
      );
    const planned = await planChange(opts, tx, caseFromJson(locked.row), running);
    const { row, updated, change, now } = planned;
    const statsInStatement = inStatement(planned);
    // The detail as changed comes with the change unless `also` writes more after it (then it is read at the end).
    const detailInStatement = !!opts.detail && !change.also;
    const written = (await writeChange(tx, planned, { statsInStatement, detailInStatement }))!;
    const eventIds = (written.event_ids ?? []).map(Number);
    // What the step writes besides (attachments, notifications), then the statistics, which read all of it.
    await change.also?.(tx, updated, eventIds);
    await announce(tx, caseLiveEvent(updated, 'case.changed', now));
    if (!statsInStatement) await refreshCaseStats(tx, row.districtCode, [row.id]);
    if (updated.status !== row.status) await queueStatusCallback(tx, updated, change.events[0]!.action, now);
    const parts = detailInStatement ? detailPartsFrom(written) : opts.detail ? await loadCaseDetailParts(tx, updated) : undefined;
    return { row: updated, previous: row, eventIds, parts };
  };
  return opts.within ? run(opts.within) : opts.db.transaction(run);
}

/** The change of `recordCaseChange` tried as one statement on the unlocked row; undefined when it must take the locking way. */
async function changeOptimistically(opts: CaseChangeOptions): Promise<RecordedChange | undefined> {
  // The case as this process last read or wrote it, when it did a moment ago (recent-cases.ts): no read first. Only
  // tried: a case changed since makes the statement write nothing, and a refusal may rest on what has changed since — in
  // both events the change is planned again on the case as read.
  const recent = takeRecentCase(opts.db, opts.districtCode, opts.caseId);
  if (recent) {
    const planned = await planOptimistically(opts, recent).catch((err: unknown) => {
      if (err instanceof AppError) return 'refused' as const;
      throw err;
    });
    if (!planned) return undefined;
    if (planned !== 'refused') {
      const done = await writeOptimistically(opts, planned, recent.xmin);
      if (done) return done;
    }
  }
  const [read] = await executePrepared<{ row: Record<string, unknown>; running: unknown; xmin: string; backfilled: boolean }>(
    planOnceDb(opts.db),
    'fq_read_case_to_change',
    sql`select to_jsonb(c) as row, ${sql.raw(RUNNING_CLOCKS_JSON)} as running, c.xmin::text as xmin,
        ${sql.raw(BACKFILLED)} as backfilled
      from cases c where c.district_code = ${opts.districtCode} and c.id = ${opts.caseId}`,
  );
  if (!read) throw new AppError('CASE_NOT_FOUND');
  // A case the start-up backfills have not reached (no statistics or search row yet): they lock the case and write those
  // rows without moving its version, and a statement that waited for them would not see what they wrote (its snapshot
  // is older) — it would count the case twice or lose its words. Such a case takes the locking way.
  if (!read.backfilled) return undefined;
  const planned = await planOptimistically(opts, {
    row: caseFromJson(read.row),
    running: rowsFromJson(caseClocks, read.running),
    xmin: read.xmin,
  });
  return planned && writeOptimistically(opts, planned, read.xmin);
}

/** The change planned on the case as read (or remembered); undefined when it must take the locking way. */
async function planOptimistically(opts: CaseChangeOptions, read: RecentCase): Promise<PlannedChange | undefined> {
  // A sender's callback is a write of its own (the outbox), in the change's transaction.
  if (read.row.sourceClientId) return undefined;
  // `decide` only reads here (the caller's promise): it reads from the pool.
  const planned = await planChange(opts, opts.db as unknown as Tx, read.row, async () => read.running);
  return planned.change.also || !inStatement(planned) ? undefined : planned;
}

/**
 * The planned change written in one statement that writes only while the case row is still the row version read
 * (`xmin`); undefined when it was not (nothing written).
 */
async function writeOptimistically(opts: CaseChangeOptions, planned: PlannedChange, xmin: string): Promise<RecordedChange | undefined> {
  // On the connections that plan it once (db/client.ts `planOnceDb`).
  const written = await writeChange(planOnceDb(opts.db), planned, {
    statsInStatement: true,
    detailInStatement: !!opts.detail,
    onlyIfUnchanged: xmin,
  });
  if (!written) return undefined;
  await announce(opts.db, caseLiveEvent(planned.updated, 'case.changed', planned.now));
  const parts = opts.detail ? detailPartsFrom(written) : undefined;
  // What the next step on this case would read: the row as written, its clocks as changed (the statement's own), its new
  // row version.
  if (parts)
    rememberCase(opts.db, { row: planned.updated, running: parts.clocks.filter((k) => !k.stoppedAt), xmin: String(written.row_xmin) });
  return { row: planned.updated, previous: planned.row, eventIds: (written.event_ids ?? []).map(Number), parts };
}

/** A case row from `to_jsonb(c)`. */
const caseFromJson = (json: Record<string, unknown>) => (rowsFromJson(cases, [json]) as [CaseRow])[0];

interface PlannedChange {
  row: CaseRow;
  updated: CaseRow;
  change: CaseChange;
  clocks: ClockPlan;
  now: Date;
  author: ChangeAuthor;
}

/** The guard, the version the user saw, the step's decision and the clocks it moves, on the row as read. */
async function planChange(opts: CaseChangeOptions, tx: Tx, row: CaseRow, readRunning: () => Promise<ClockRow[]>): Promise<PlannedChange> {
  opts.guard?.(row);
  if (opts.expectedVersion !== undefined && row.version !== opts.expectedVersion) {
    throw new AppError('CASE_VERSION_CONFLICT', { expectedVersion: opts.expectedVersion, currentVersion: row.version });
  }
  const change = await opts.decide({ tx, row });
  if (change.events.length === 0) throw new Error('a case change needs a timeline row');
  const now = opts.at ?? new Date();
  const updated: CaseRow = { ...row, ...(change.set as Partial<CaseRow>), version: row.version + 1, updatedAt: now };
  // The clocks each step moves, planned on the running clocks read (a step's plan starts where the last ended).
  const clocks: ClockPlan = { updated: [], started: [] };
  if (change.clockSteps?.length) {
    if (!opts.calendar) throw new Error('a change that moves clocks needs the calendar');
    const policies = await enabledTimeLimits(opts.db, row.districtCode, tx);
    // Each clock's last state, and which of them this change starts (a clock started and stopped within the same
    // change — a reopen's handling clock stopped again — is inserted once, as it ends).
    const last = new Map<string, ClockRow>();
    const startedIds = new Set<string>();
    let running = await readRunning();
    for (const action of change.clockSteps) {
      const plan = planClockEffects({ calendar: opts.calendar, row: updated, action, at: now, running, policies });
      for (const c of [...plan.updated, ...plan.started]) last.set(c.id, c);
      for (const c of plan.started) startedIds.add(c.id);
      running = plan.running;
    }
    clocks.started = [...startedIds].map((id) => last.get(id)!);
    clocks.updated = [...last.values()].filter((c) => !startedIds.has(c.id));
  }
  return { row, updated, change, clocks, now, author: opts.author };
}

/** Whether the statistics go in the change's own statement: nothing else they read is written by this change (`changedCaseStatsEntries`). */
const inStatement = ({ change, updated }: PlannedChange) => !change.also && (!change.clockSteps?.length || updated.concludedAt == null);

/**
 * The row (its whole new state), the timeline, the clocks, the new words, the statistics when `statsInStatement`, and
 * the detail as changed when `detailInStatement`: one statement. Every part hangs on the case row's update; with
 * `onlyIfUnchanged` (the case row's `xmin` as read) that update happens only if the case row is still the row version
 * read, and the statement answers nothing when it did not.
 */
async function writeChange(
  q: Db | Tx,
  { row, updated, change, clocks, now, author }: PlannedChange,
  how: { statsInStatement: boolean; detailInStatement: boolean; onlyIfUnchanged?: string },
): Promise<({ event_ids: number[]; row_xmin: string } & Record<string, unknown>) | undefined> {
  const { statsInStatement, detailInStatement, onlyIfUnchanged } = how;
  const optimistic = onlyIfUnchanged !== undefined;
  const [written] = await executePrepared<{ event_ids: number[]; row_xmin: string } & Record<string, unknown>>(
    q,
    `${statsInStatement ? `fq_case_change_stats_${row.districtCode}` : 'fq_case_change'}${detailInStatement ? '_detail' : ''}${optimistic ? '_if_unchanged' : ''}`,
    sql`
    with u as (
      update cases c set ${sql.raw(`(${WRITABLE.map(([, col]) => col).join(', ')})`)} = (
        select ${sql.raw(WRITABLE.map(([, col]) => `n.${col}`).join(', '))} from jsonb_populate_record(null::cases, ${JSON.stringify(rowJson(updated))}::jsonb) n
      )
      where c.district_code = ${row.districtCode} and c.id = ${row.id}${
        optimistic ? sql` and c.version = ${row.version} and c.xmin = ${onlyIfUnchanged}::xid` : sql``
      }
      returning c.*, c.xmin::text as row_xmin
    ),
    ${sql.raw(statsInStatement ? `${changedCaseStatsEntries('u', row.districtCode)},` : '')}
    e as (
      insert into case_events (district_code, case_id, at, actor_id, actor_name, action, from_status, to_status, reason, data)
      select ${row.districtCode}, ${row.id}::uuid, ${now}, ${author.id}::uuid, ${author.displayName}, x.action, x.from_status, x.to_status, x.reason, x.data
      from jsonb_to_recordset(${JSON.stringify(change.events.map(eventJson))}::jsonb) as x(n int, action text, from_status text, to_status text, reason text, data jsonb)
      where exists (select 1 from u)
      order by x.n
      returning *
    ),
    changed_clocks as (
      update case_clocks k set stopped_at = n.stopped_at, is_overdue_at_stop = n.is_overdue_at_stop, paused_on = n.paused_on, paused_days = n.paused_days,
        due_date = n.due_date, is_provisional = n.is_provisional
      from jsonb_populate_recordset(null::case_clocks, ${JSON.stringify(clocks.updated.map(clockJson))}::jsonb) n
      -- The case's own clocks only (by its key, whatever plan is chosen: not a scan of the district's clocks).
      where k.district_code = ${row.districtCode} and k.case_id = ${row.id} and k.id = n.id and exists (select 1 from u)
      returning k.*
    ),
    started_clocks as (
      insert into case_clocks select * from jsonb_populate_recordset(null::case_clocks, ${JSON.stringify(clocks.started.map(clockJson))}::jsonb)
      where exists (select 1 from u)
      returning *
    ),
    words as (
      update case_search set search_vector = search_vector || to_tsvector('simple', ${tokensOf(change.indexText)})
      where district_code = ${row.districtCode} and case_id = ${row.id} and ${tokensOf(change.indexText)} <> '' and exists (select 1 from u)
      returning 1
    )
    select (select array_agg(id order by id) from e) as event_ids, (select count(*) from u) as u, (select row_xmin from u) as row_xmin${sql.raw(
      // Read by the main query, the pending rows (and the old facts they lock) are written before `stats_saved`, which
      // nothing reads and so runs after it: the old facts are locked and subtracted before the new ones replace them.
      statsInStatement ? ', (select count(*) from stats_pending) as stats' : '',
    )}${sql.raw(
      detailInStatement
        ? `, ${detailPartsSelect('u', { events: 'e', changedClocks: 'changed_clocks', startedClocks: 'started_clocks' })} from u`
        : '',
    )}`,
  );
  return written && Number(written.u) > 0 ? written : undefined;
}

/**
 * For the rest of a change's own transaction, the prepared statements' generic plans from their first call. PostgreSQL
 * plans a prepared statement anew for its first five calls on each connection before it settles on the generic plan
 * (which it then keeps for these statements: every lookup is by the case's key); the change statement's planning
 * costs more than its execution, so on a fresh connection — a pool growing under load, a restart — those five
 * plannings were most of a step's database time (docs/PERFORMANCE.md, eighth round). Transaction-local: a caller's
 * transaction (`within`) keeps its own setting.
 */
const GENERIC_PLANS = `set_config('plan_cache_mode', 'force_generic_plan', true) as plan_cache_mode`;

/** A lifecycle step's timeline row: the status move it makes (none for steps that keep the status, e.g. a note). */
export function stepEntry(
  action: CaseAction,
  from: CaseStatus,
  to: CaseStatus,
  reason: string | null,
  data: Record<string, unknown>,
): TimelineEntryInput {
  return { action, fromStatus: from, toStatus: CASE_TRANSITIONS[action].to === null ? null : to, reason, data };
}

/** What a new case is registered with, prepared by `registerCase` (the parties resolved, the documents tokenised). */
export interface NewCase {
  /** The case row without its number: `recordNewCases` takes the next one of the district and year. */
  values: Omit<typeof cases.$inferInsert, 'id' | 'code' | 'status' | 'version'> & { createdAt: Date };
  year: number;
  /** Who registers it (the timeline names them). */
  author: ChangeAuthor;
  /** Registry records to create for parties the registry did not know (their ids already chosen). */
  newPersons: NewPerson[];
  /** The parties as given, with the registry's person for each. */
  parties: Omit<typeof caseParties.$inferInsert, 'districtCode' | 'caseId' | 'id' | 'caseCreatedAt'>[];
  /** The full-text documents (jieba words) of the narrative and of the parties. */
  search: { text: string; parties: string };
  /** Data of the `register` timeline row. */
  eventData: Record<string, unknown>;
  /** Queue the case for 风险研判 (every door but a camera's, which its folding judges). */
  assess: boolean;
}

/** A case just written, with the rows written for it (what its detail page shows, without reading them back). */
export interface RecordedCase {
  row: CaseRow;
  parties: (typeof caseParties.$inferSelect)[];
  clocks: (typeof caseClocks.$inferSelect)[];
  events: (typeof caseEvents.$inferSelect)[];
}

/**
 * Writes new cases of one district and year and everything that comes with each in ONE statement, in the caller's
 * transaction: the parties' new registry records, the case rows (numbers from the district-year sequence), the
 * parties as given, the first timeline rows, the search vectors, the first running clocks, the risk-assessment queue
 * rows, the statistics (the same facts `refreshCaseStats` computes) and the live announcements. Everything but the
 * registry records hangs on the case rows, so a case whose idempotency key is taken (a concurrent twin) inserts
 * nothing: it is missing from the answer, and the caller answers it with the twin. The statement is prepared once per
 * connection (`executePrepared`); a batch of registrations costs one round trip instead of one each.
 */
export async function recordNewCases(opts: {
  db: Db;
  tx: Tx;
  calendar: WorkCalendar;
  newCases: readonly NewCase[];
}): Promise<Map<string, RecordedCase>> {
  const { tx, newCases } = opts;
  const written = new Map<string, RecordedCase>();
  if (newCases.length === 0) return written;
  const d = newCases[0]!.values.districtCode;
  const year = newCases[0]!.year;
  if (newCases.some((c) => c.values.districtCode !== d || c.year !== year)) throw new Error('one district and year per batch');
  const sequence = `case_number_${d}_${year}`;
  if (!/^case_number_\d{6}_\d{4}$/.test(sequence)) throw new Error('bad case number sequence');
  const policies = await enabledTimeLimits(opts.db, d, tx);
  const prepared = newCases.map((c, ord) => {
    const id = randomUUID();
    // What the row will be, but for its number: the clocks and the live event are computed from it here.
    const draft = { ...c.values, id, code: '', status: 'registered', version: 1, leadUnitPath: null, coUnitIds: [] } as unknown as CaseRow;
    const clocks = newClocks({ calendar: opts.calendar, policies, row: draft, stages: ['acceptance'], at: c.values.createdAt }).map(
      (k) => ({ ...k, id: randomUUID() }),
    );
    const parties = c.parties.map((p) => ({ ...p, id: randomUUID(), districtCode: d, caseId: id }));
    return { ord, id, c, draft, clocks, parties };
  });
  // Each new registry record goes with the cases naming it (a person new to the registry may be in two of the batch).
  const newPersons = newCases.flatMap((c) =>
    c.newPersons.map((person) => ({
      ...encodePerson(person),
      case_ids: prepared.filter((x) => x.parties.some((p) => p.personId === person.id)).map((x) => x.id),
    })),
  );
  const caseJson = prepared.map(({ ord, id, c }) => {
    const v = c.values;
    return {
      ord,
      id,
      tracking_token: v.trackingToken,
      channel: v.channel,
      kind: v.kind,
      category: v.category,
      summary: v.summary,
      narrative: v.narrative,
      people_involved: v.peopleInvolved,
      risk_level: v.riskLevel,
      difficulty: v.difficulty ?? 'ordinary',
      place_address: v.placeAddress ?? null,
      place_lat: v.placeLat ?? null,
      place_lng: v.placeLng ?? null,
      source_client_id: v.sourceClientId ?? null,
      external_ref: v.externalRef ?? null,
      unit_id: v.unitId,
      unit_path: v.unitPath,
      registered_by: v.registeredBy,
      idempotency_key: v.idempotencyKey ?? null,
      request_hash: v.requestHash ?? null,
      created_at: v.createdAt.toISOString(),
      actor_id: c.author.id,
      actor_name: c.author.displayName,
      event_data: c.eventData,
      search_text: c.search.text,
      search_parties: c.search.parties,
      assess: c.assess,
    };
  });
  const rows = await executePrepared<{ row: Record<string, unknown>; event: Record<string, unknown> }>(
    tx,
    `fq_register_cases_${sequence}`,
    sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(caseJson)}::jsonb)
        as x(ord int, id uuid, tracking_token text, channel text, kind text, category text, summary text, narrative text, people_involved int, risk_level text,
          difficulty text, place_address text, place_lat double precision, place_lng double precision, source_client_id uuid, external_ref text, unit_id uuid,
          unit_path text, registered_by uuid, idempotency_key text, request_hash text, created_at timestamptz, actor_id uuid, actor_name text, event_data jsonb,
          search_text text, search_parties text, assess boolean)
    ),
    c as (
      insert into cases (district_code, id, code, tracking_token, channel, kind, category, summary, narrative, people_involved, risk_level, difficulty,
        place_address, place_lat, place_lng, source_client_id, external_ref, unit_id, unit_path, registered_by, status, idempotency_key, request_hash, created_at, updated_at)
      select ${d}, x.id, ${`${d}-${year}-`} || lpad(nextval(${sequence}::regclass)::text, 6, '0'), x.tracking_token, x.channel, x.kind, x.category,
        x.summary, x.narrative, x.people_involved, x.risk_level, x.difficulty, x.place_address, x.place_lat, x.place_lng, x.source_client_id, x.external_ref,
        x.unit_id, x.unit_path, x.registered_by, 'registered', x.idempotency_key, x.request_hash, x.created_at, x.created_at
      from input x order by x.ord
      on conflict (district_code, registered_by, idempotency_key) where idempotency_key is not null do nothing
      returning *
    ),
    new_persons as (
      insert into persons (district_code, id, type, name, name_pinyin, credit_code, id_number_enc, id_number_hash, phone_enc, phone_hash, phone_suffix_hash, address_enc, address_hash)
      select ${d}, p.id, p.type, p.name, p.name_pinyin, p.credit_code, decode(p.id_number_enc, 'base64'), p.id_number_hash,
        decode(p.phone_enc, 'base64'), p.phone_hash, p.phone_suffix_hash, decode(p.address_enc, 'base64'), p.address_hash
      from jsonb_to_recordset(${JSON.stringify(newPersons)}::jsonb)
        as p(id uuid, type text, name text, name_pinyin text, credit_code text, id_number_enc text, id_number_hash text, phone_enc text, phone_hash text, phone_suffix_hash text, address_enc text, address_hash text, case_ids uuid[])
      -- Only for cases written now: a case whose key was taken leaves no registry record behind.
      where exists (select 1 from c where c.id = any(p.case_ids))
      returning 1
    ),
    parties as (
      insert into case_parties (district_code, id, case_id, person_id, role, position, type, name, id_number_enc, phone_enc, address_enc, credit_code, case_created_at)
      select c.district_code, p.id, c.id, p.person_id, p.role, p.position, p.type, p.name,
        decode(p.id_number_enc, 'base64'), decode(p.phone_enc, 'base64'), decode(p.address_enc, 'base64'), p.credit_code, c.created_at
      from jsonb_to_recordset(${JSON.stringify(prepared.flatMap((x) => x.parties.map(encodeParty)))}::jsonb)
        as p(id uuid, case_id uuid, person_id uuid, role text, position int, type text, name text, id_number_enc text, phone_enc text, address_enc text, credit_code text)
      join c on c.id = p.case_id
      returning 1
    ),
    timeline as (
      insert into case_events (district_code, case_id, at, actor_id, actor_name, action, to_status, data)
      select c.district_code, c.id, c.created_at, x.actor_id, x.actor_name, 'register', 'registered', x.event_data from c join input x on x.id = c.id
      returning *
    ),
    search as (
      insert into case_search (district_code, case_id, search_vector, party_vector, case_created_at)
      select c.district_code, c.id, to_tsvector('simple', x.search_text), to_tsvector('simple', x.search_parties), c.created_at from c join input x on x.id = c.id
      returning 1
    ),
    clocks as (
      insert into case_clocks (district_code, id, case_id, unit_path, stage, policy_id, days, unit, warn_percent, max_extension_days, legal_basis, started_at, started_on, due_date, is_provisional)
      select c.district_code, k.id, c.id, c.unit_path, k.stage, k.policy_id, k.days, k.unit, k.warn_percent, k.max_extension_days, k.legal_basis, c.created_at, k.started_on, k.due_date, k.is_provisional
      from jsonb_to_recordset(${JSON.stringify(prepared.flatMap((x) => x.clocks.map((k) => ({ ...encodeClock(k), id: k.id, case_id: x.id }))))}::jsonb)
        as k(id uuid, case_id uuid, stage text, policy_id uuid, days int, unit text, warn_percent int, max_extension_days int, legal_basis text, started_on date, due_date date, is_provisional boolean)
      join c on c.id = k.case_id
      returning 1
    ),
    queued as (
      insert into case_assessments (district_code, case_id) select c.district_code, c.id from c join input x on x.id = c.id where x.assess
      returning 1
    ),
    ${sql.raw(newCaseStatsEntries('c', d))}
    select to_jsonb(c) as row, (select to_jsonb(t) from timeline t where t.case_id = c.id) as event from c`,
  );
  for (const r of rows) {
    const [row] = rowsFromJson(cases, [r.row]);
    const [event] = rowsFromJson(caseEvents, [r.event]);
    const x = prepared.find((p) => p.id === row!.id)!;
    await announce(tx, caseLiveEvent(row!, 'case.registered', x.c.values.createdAt));
    written.set(x.id, {
      row: row!,
      events: [event!],
      parties: x.parties.map(
        (p) => ({ idNumberEnc: null, phoneEnc: null, addressEnc: null, creditCode: null, ...p }) as typeof caseParties.$inferSelect,
      ),
      clocks: x.clocks.map(
        (k) =>
          ({
            pausedOn: null,
            pausedDays: 0,
            extendedDays: 0,
            stoppedAt: null,
            isOverdueAtStop: null,
            policyId: null,
            maxExtensionDays: null,
            ...k,
            caseId: x.id,
          }) as typeof caseClocks.$inferSelect,
      ),
    });
  }
  // The cases are returned in the order given, keyed by the caller's position.
  return new Map(prepared.flatMap((p) => (written.has(p.id) ? [[String(p.ord), written.get(p.id)!] as const] : [])));
}

/** Every column of `cases` a change may write, as [key, column]: all but the keys, the number, the creation and the place. */
const WRITABLE = Object.entries(getTableColumns(cases))
  .filter(
    ([key]) =>
      ![
        'districtCode',
        'id',
        'code',
        'trackingToken',
        'createdAt',
        'idempotencyKey',
        'requestHash',
        'registeredBy',
        'unitId',
        'unitPath',
      ].includes(key),
  )
  .map(([key, column]) => [key, column.name] as const);

const rowJson = (row: CaseRow) => asColumns(cases, row);
const clockJson = (k: typeof caseClocks.$inferSelect) => asColumns(caseClocks, k);
const eventJson = (e: TimelineEntryInput, n: number) => ({
  n,
  action: e.action,
  from_status: e.fromStatus ?? null,
  to_status: e.toStatus ?? null,
  reason: e.reason ?? null,
  data: e.data && Object.keys(e.data).length ? e.data : null,
});

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

function encodeParty(p: NewCase['parties'][number] & { id: string; caseId: string }) {
  return {
    id: p.id,
    case_id: p.caseId,
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
export async function recordCaseEvent(opts: {
  db: Db;
  within: Tx;
  districtCode: string;
  caseId: string;
  author: ChangeAuthor;
  event: TimelineEntryInput;
  set?: CaseColumns;
  at?: Date;
}): Promise<CaseRow> {
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
