import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { shanghaiDate, type WorkCalendar } from '../../../shared/calendar.js';
import type { CaseAction } from '../../../shared/case-lifecycle.js';
import {
  CLOCK_EFFECTS,
  clockStatus,
  dueDateOf,
  extendByPause,
  matchTimeLimit,
  recomputeDueDate,
  type ClockLevel,
  type ClockStage,
} from '../../../shared/time-limits.js';
import { executePrepared, planOnceDb, type Db, type Tx } from '../../db/client.js';
import { asColumns, rowsFromJson } from '../../db/json-rows.js';
import { caseClocks, type cases } from '../../db/schema.js';
import type { TimeLimitPolicyRow } from './time-limits.repository.js';

type CaseRow = typeof cases.$inferSelect;
export type ClockRow = typeof caseClocks.$inferSelect;

/** The clocks a step starts, as rows to insert: each copies the first matching rule in force, with its due date. */
export function newClocks(opts: {
  calendar: WorkCalendar;
  policies: readonly TimeLimitPolicyRow[];
  row: CaseRow;
  stages: readonly ClockStage[];
  at: Date;
}): (typeof caseClocks.$inferInsert)[] {
  const { calendar, policies, row, at } = opts;
  const today = shanghaiDate(at);
  return opts.stages.flatMap((stage) => {
    const policy = matchTimeLimit(policies, stage, row);
    if (!policy) return [];
    const due = dueDateOf(calendar, today, policy.days, policy.unit);
    return [
      {
        districtCode: row.districtCode,
        caseId: row.id,
        unitPath: row.unitPath,
        stage,
        policyId: policy.id,
        days: policy.days,
        unit: policy.unit,
        warnPercent: policy.warnPercent,
        maxExtensionDays: policy.maxExtensionDays,
        legalBasis: policy.legalBasis,
        startedAt: at,
        startedOn: today,
        dueDate: due.date,
        isProvisional: due.provisional,
      },
    ];
  });
}

/** What a step does to a case's clocks: rows to update (stopped, paused, resumed) and rows to insert (started). */
export interface ClockPlan {
  updated: ClockRow[];
  started: ClockRow[];
}

/**
 * Starts, stops, pauses and resumes clocks for one step (`CLOCK_EFFECTS`), as a plan over the running clocks the
 * caller read with its lock (the write path writes the plan in its own statement). A new clock copies the policy in
 * force, so later policy edits do not move it. Plans of several steps chain: pass the running clocks the last left.
 */
export function planClockEffects(opts: {
  calendar: WorkCalendar;
  row: CaseRow;
  action: CaseAction | 'register';
  at: Date;
  running: readonly ClockRow[];
  policies: readonly TimeLimitPolicyRow[];
}): ClockPlan & { running: ClockRow[] } {
  const { calendar, row, action, at } = opts;
  const effect = CLOCK_EFFECTS[action];
  if (!effect) return { updated: [], started: [], running: [...opts.running] };
  const today = shanghaiDate(at);
  const updated: ClockRow[] = [];
  const toStop = effect.stop === 'all' ? opts.running : opts.running.filter((c) => effect.stop?.includes(c.stage));
  for (const c of toStop) updated.push({ ...c, stoppedAt: at, isOverdueAtStop: today > c.dueDate });
  let running = opts.running.filter((c) => !toStop.includes(c));
  if (effect.pause) {
    running = running.map((c) => {
      if (c.pausedOn) return c;
      const paused = { ...c, pausedOn: today };
      updated.push(paused);
      return paused;
    });
  }
  if (effect.resume) {
    running = running.map((c) => {
      if (!c.pausedOn) return c;
      const moved = extendByPause(calendar, c.dueDate, c.unit, c.pausedOn, today);
      const resumed = {
        ...c,
        pausedOn: null,
        pausedDays: c.pausedDays + moved.pausedDays,
        dueDate: moved.date,
        isProvisional: c.isProvisional || moved.provisional,
      };
      updated.push(resumed);
      return resumed;
    });
  }
  const started = (effect.start?.length ? newClocks({ calendar, policies: opts.policies, row, stages: effect.start, at }) : []).map(
    (k) =>
      ({
        ...k,
        id: randomUUID(),
        pausedOn: null,
        pausedDays: 0,
        extendedDays: 0,
        stoppedAt: null,
        isOverdueAtStop: null,
        policyId: k.policyId ?? null,
        maxExtensionDays: k.maxExtensionDays ?? null,
      }) as ClockRow,
  );
  return { updated, started, running: [...running, ...started] };
}

/**
 * The running clocks of case `c`, as JSON rows. Whoever writes a case's clocks holds the case's lock and gives the case
 * row a new version in the same transaction (a change through case-access/record-case-change.ts, or
 * `lockCasesForClocks`): a change planned on clocks read without the lock is written only while the row is the version
 * read.
 */
export const RUNNING_CLOCKS_JSON = `(select jsonb_agg(to_jsonb(k)) from case_clocks k where k.district_code = c.district_code and k.case_id = c.id and k.stopped_at is null)`;

export interface ClockView {
  id: string;
  stage: ClockStage;
  days: number;
  unit: 'working' | 'calendar';
  legalBasis: string;
  startedOn: string;
  dueDate: string;
  provisional: boolean;
  isPaused: boolean;
  pausedDays: number;
  extendedDays: number;
  isRunning: boolean;
  /** Running clocks: today's colour; stopped clocks: whether they ended late. */
  level: ClockLevel;
  workingDaysLeft: number | null;
}

/** A clock as the API shows it, judged against today's Shanghai date. */
export function presentClock(calendar: WorkCalendar, c: ClockRow, now = new Date()): ClockView {
  const base = {
    id: c.id,
    stage: c.stage,
    days: c.days,
    unit: c.unit,
    legalBasis: c.legalBasis,
    startedOn: c.startedOn,
    dueDate: c.dueDate,
    provisional: c.isProvisional,
    isPaused: !!c.pausedOn,
    pausedDays: c.pausedDays,
    extendedDays: c.extendedDays,
  };
  if (c.stoppedAt) return { ...base, isRunning: false, level: c.isOverdueAtStop ? 'overdue' : 'normal', workingDaysLeft: null };
  // A paused clock is judged as of the day it paused: the pause is not the handler's time.
  const asOf = c.pausedOn ?? shanghaiDate(now);
  const s = clockStatus(calendar, c, asOf);
  return { ...base, isRunning: true, level: s.level, workingDaysLeft: s.workingDaysLeft };
}

export async function loadClocks(db: Db | Tx, districtCode: string, caseIds: readonly string[], opts: { runningOnly?: boolean } = {}) {
  if (caseIds.length === 0) return [];
  const where = [eq(caseClocks.districtCode, districtCode), inArray(caseClocks.caseId, [...caseIds])];
  if (opts.runningOnly) where.push(isNull(caseClocks.stoppedAt));
  return db
    .select()
    .from(caseClocks)
    .where(and(...where))
    .orderBy(caseClocks.startedAt);
}

/**
 * The running clocks of a page of cases (a list's deadline column): `loadClocks` as one named statement of one shape,
 * planned once per connection (`planOnceDb`) — planned on every list it cost 0.11 ms of PostgreSQL to read a few rows in
 * 0.006 (bench:related `PG_STATS=1`, docs/PERFORMANCE.md reads sixteenth round). Autocommitted: not for a transaction.
 */
export async function loadRunningClocksOfPage(db: Db, districtCode: string, caseIds: readonly string[]): Promise<ClockRow[]> {
  if (caseIds.length === 0) return [];
  const rows = await executePrepared<{ row: unknown }>(
    planOnceDb(db),
    'fq_page_running_clocks',
    sql`select to_jsonb(k) as row from ${caseClocks} k
      where k.district_code = ${districtCode} and k.case_id = any(${sql.param([...caseIds])}::uuid[]) and k.stopped_at is null
      order by k.started_at`,
  );
  return rowsFromJson(
    caseClocks,
    rows.map((r) => r.row),
  );
}

const LEVEL_RANK: Record<ClockLevel, number> = { overdue: 2, warning: 1, normal: 0 };

/** The clock that matters most on a list: overdue before warning before normal, then the nearest due date. */
export function mostUrgent(views: readonly ClockView[]): ClockView | null {
  const running = views.filter((v) => v.isRunning);
  running.sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || a.dueDate.localeCompare(b.dueDate));
  return running[0] ?? null;
}

/**
 * After a year's schedule is loaded: every running clock computed provisionally is computed again from its start,
 * with the same period, extension and pause, and stays provisional only if a year on its way is still missing.
 */
export async function recomputeProvisionalClocks(db: Db, calendar: WorkCalendar): Promise<number> {
  return rewriteRunningClocks({
    db,
    candidates: sql`k.is_provisional`,
    rewrite: (c) => {
      if (!c.isProvisional) return null;
      const due = recomputeDueDate(calendar, c);
      return { ...c, dueDate: due.date, isProvisional: due.provisional };
    },
  });
}

/** Cases per transaction of `rewriteRunningClocks`: no recomputation holds more case locks than this at a time. */
export const REWRITE_BATCH_CASES = 200;

/**
 * Rewrites running clocks of many cases — a recomputation after a calendar or a rule changed. The cases whose running
 * clocks match `candidates` (SQL on `case_clocks k`) are taken in batches of `REWRITE_BATCH_CASES`, each in a
 * transaction of its own: the batch's cases are locked as a change of them locks them (`lockCasesForClocks`), their
 * clocks read again under the locks, and every clock `rewrite` changes (null: leave it) is written in one statement.
 * A step waits for a batch, never for the whole recomputation; a crash between batches leaves the rest to a repeat,
 * which recomputes what is still to recompute. `afterBatch` writes in each batch's transaction (how many it changed).
 */
export async function rewriteRunningClocks(opts: {
  db: Db;
  districtCode?: string;
  candidates: SQL;
  rewrite: (c: ClockRow) => ClockRow | null;
  afterBatch?: (tx: Tx, changed: number, batch: number) => Promise<void>;
  batchCases?: number;
}): Promise<number> {
  const batchCases = opts.batchCases ?? REWRITE_BATCH_CASES;
  const { db } = opts;
  const inDistrict = opts.districtCode ? sql`k.district_code = ${opts.districtCode} and` : sql``;
  const { rows: owners } = await db.execute<{ district_code: string; case_id: string }>(
    sql`select distinct k.district_code, k.case_id from case_clocks k where ${inDistrict} k.stopped_at is null and ${opts.candidates}
      order by 1, 2`,
  );
  const batches: { districtCode: string; caseIds: string[] }[] = [];
  for (const o of owners) {
    const last = batches.at(-1);
    if (last && last.districtCode === o.district_code && last.caseIds.length < batchCases) last.caseIds.push(o.case_id);
    else batches.push({ districtCode: o.district_code, caseIds: [o.case_id] });
  }
  let n = 0;
  for (const [i, b] of batches.entries())
    n += await db.transaction(async (tx) => {
      await lockCasesForClocks(tx, b.districtCode, b.caseIds);
      // Read again under the locks: a step may have stopped or moved them since.
      const running = await tx
        .select()
        .from(caseClocks)
        .where(and(eq(caseClocks.districtCode, b.districtCode), inArray(caseClocks.caseId, b.caseIds), isNull(caseClocks.stoppedAt)));
      const changed = running.flatMap((c) => opts.rewrite(c) ?? []);
      if (changed.length)
        await tx.execute(sql`update case_clocks k set days = n.days, unit = n.unit, warn_percent = n.warn_percent,
            max_extension_days = n.max_extension_days, legal_basis = n.legal_basis, due_date = n.due_date, is_provisional = n.is_provisional
          from jsonb_populate_recordset(null::case_clocks, ${JSON.stringify(changed.map((c) => asColumns(caseClocks, c)))}::jsonb) n
          where k.district_code = ${b.districtCode} and k.id = n.id`);
      await opts.afterBatch?.(tx, changed.length, i);
      return changed.length;
    });
  if (!batches.length && opts.afterBatch) await db.transaction(async (tx) => opts.afterBatch!(tx, 0, 0));
  return n;
}

/**
 * Locks cases, in the order of their ids (as every locker of several cases does: packages/packages.ts), for a
 * transaction that rewrites their clocks, and writes each case row again (no column changes: a new row version,
 * `cases.version` kept): a step planned on the row read before — and its clocks — is then not written
 * (record-case-change.ts, `optimistic`), even if it waited for these locks. `for no key update`, the lock the update
 * takes anyway: it waits for a change of the case (its `for update`, its update) but not for a row that only
 * references the case (a timeline row, a package member being inserted holds a key-share lock on it).
 */
export async function lockCasesForClocks(tx: Tx, districtCode: string, caseIds: readonly string[]): Promise<void> {
  if (!caseIds.length) return;
  await tx.execute(sql`update cases c set version = c.version
    from (select id from cases where district_code = ${districtCode} and id = any(${`{${caseIds.join(',')}}`}::uuid[]) order by id for no key update) l
    where c.district_code = ${districtCode} and c.id = l.id`);
}

/** SQL: the case has a running clock already past its due date. */
export function overdueCondition(districtCode: string, today: string) {
  return sql`exists (select 1 from case_clocks k where k.district_code = ${districtCode} and k.case_id = cases.id
    and k.stopped_at is null and k.paused_on is null and k.due_date < ${today}::date)`;
}
