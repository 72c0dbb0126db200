import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
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
import type { Db, Tx } from '../../db/client.js';
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

/** The running clocks of a case, as JSON rows for a statement that reads them with the case's lock. */
export const RUNNING_CLOCKS_JSON = `(select jsonb_agg(to_jsonb(k)) from case_clocks k where k.district_code = c.district_code and k.case_id = c.id and k.stopped_at is null)`;

/**
 * A fingerprint of the running clocks of case `c` (every column of each, in a fixed order): a change planned on clocks
 * read without the case's lock is written only if they are still the same (record-case-change.ts, `optimistic`).
 */
export const RUNNING_CLOCKS_FINGERPRINT = `md5(coalesce((select string_agg(k::text, ',' order by k.id) from case_clocks k where k.district_code = c.district_code and k.case_id = c.id and k.stopped_at is null), ''))`;

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
  const provisional = and(eq(caseClocks.isProvisional, true), isNull(caseClocks.stoppedAt));
  const owners = await db
    .selectDistinct({ districtCode: caseClocks.districtCode, caseId: caseClocks.caseId })
    .from(caseClocks)
    .where(provisional);
  let n = 0;
  for (const k of owners)
    n += await db.transaction(async (tx) => {
      // Under the case's lock, as every change of the case takes it (case-access/record-case-change.ts), and read again
      // under it: a step that read the clocks before would otherwise write their old due date back over this one.
      await lockCases(tx, k.districtCode, [k.caseId]);
      const rows = await tx
        .select()
        .from(caseClocks)
        .where(and(eq(caseClocks.districtCode, k.districtCode), eq(caseClocks.caseId, k.caseId), provisional));
      for (const c of rows) {
        const due = recomputeDueDate(calendar, c);
        await tx
          .update(caseClocks)
          .set({ dueDate: due.date, isProvisional: due.provisional })
          .where(and(eq(caseClocks.districtCode, c.districtCode), eq(caseClocks.id, c.id)));
      }
      return rows.length;
    });
  return n;
}

/** Locks cases as a change of them does (`for update`), in the order of their ids: two lockers of many never deadlock. */
export async function lockCases(tx: Tx, districtCode: string, caseIds: string[]): Promise<void> {
  if (!caseIds.length) return;
  await tx.execute(
    sql`select 1 from cases where district_code = ${districtCode} and id = any(${`{${caseIds.join(',')}}`}::uuid[]) order by id for update`,
  );
}

/** SQL: the case has a running clock already past its due date. */
export function overdueCondition(districtCode: string, today: string) {
  return sql`exists (select 1 from case_clocks k where k.district_code = ${districtCode} and k.case_id = cases.id
    and k.stopped_at is null and k.paused_on is null and k.due_date < ${today}::date)`;
}
