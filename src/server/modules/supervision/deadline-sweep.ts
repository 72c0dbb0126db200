import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { shanghaiDate, type WorkCalendar } from '../../../shared/calendar.js';
import { clockStatus, type ClockStage } from '../../../shared/time-limits.js';
import type { Db, Tx } from '../../db/client.js';
import { autoEscalations, caseClocks, cases, caseUrges, units, users } from '../../db/schema.js';
import { listDistricts } from '../../lib/districts.js';
import { enqueue, type OutboxMessage } from '../notifications/outbox.js';
import { announceCase } from '../case-access/announce-case-change.js';
import { recordCaseEvent } from '../case-access/record-case-change.js';

type ClockRow = typeof caseClocks.$inferSelect;
type CaseRow = typeof cases.$inferSelect;

const STAGE_NAMES: Record<ClockStage, string> = {
  acceptance: '受理',
  transfer_objection: '转办异议',
  handling: '办理',
  follow_up: '回访',
  review_request: '申请复查',
  review_decision: '复查',
  re_review_request: '申请复核',
  re_review_decision: '复核',
};
/** Stages whose lateness the centre escalates (应受理未受理, 应办理未办理). */
const ESCALATED_STAGES: readonly ClockStage[] = ['acceptance', 'handling'];

export interface SweepResult {
  clocks: number;
  reminders: number;
  escalations: number;
}

/** Who is reminded about a case: its handler, else the lead unit's staff, else the centre's dispatchers. */
async function recipientsOf(tx: Tx, c: CaseRow): Promise<string[]> {
  if (c.handlerId) return [c.handlerId];
  if (c.leadUnitId) {
    const staff = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.districtCode, c.districtCode), eq(users.unitId, c.leadUnitId), isNull(users.disabledAt)));
    if (staff.length) return staff.map((s) => s.id);
  }
  const centre = await tx
    .select({ id: users.id })
    .from(users)
    .innerJoin(units, and(eq(units.districtCode, users.districtCode), eq(units.id, users.unitId)))
    .where(
      and(
        eq(users.districtCode, c.districtCode),
        eq(users.role, 'dispatcher'),
        isNull(users.disabledAt),
        sql`${c.unitPath} like ${units.path} || '%'`,
      ),
    );
  return centre.map((s) => s.id);
}

/**
 * 自动提级督办: a clock overdue by `afterWorkingDays` raises the case one level up the org tree (the parent of the
 * unit that holds it), once per clock: the timeline says why, the holder gets an automatic urge, the new level is told.
 * Null when it was done before (or the holder is the top of the tree).
 */
async function escalate(
  db: Db,
  tx: Tx,
  calendar: WorkCalendar,
  c: CaseRow,
  clock: ClockRow,
  overdueDays: number,
  at: Date,
): Promise<OutboxMessage[] | null> {
  const holderId = c.supervisingUnitId ?? c.leadUnitId ?? c.unitId;
  const [holder] = await tx
    .select()
    .from(units)
    .where(and(eq(units.districtCode, c.districtCode), eq(units.id, holderId)));
  if (!holder?.parentId) return null;
  const [claimed] = await tx
    .insert(autoEscalations)
    .values({ districtCode: c.districtCode, clockId: clock.id, caseId: c.id, toUnitId: holder.parentId })
    .onConflictDoNothing()
    .returning();
  if (!claimed) return null;
  const [parent] = await tx
    .select()
    .from(units)
    .where(and(eq(units.districtCode, c.districtCode), eq(units.id, holder.parentId)));
  const reason = `${STAGE_NAMES[clock.stage]}期限 ${clock.dueDate} 已逾期 ${overdueDays} 个工作日，自动提级至${parent!.name}督办`;
  await recordCaseEvent({
    db,
    within: tx,
    districtCode: c.districtCode,
    caseId: c.id,
    author: { id: null, displayName: '系统' },
    at,
    set: { supervisingUnitId: parent!.id },
    event: { action: 'auto_escalate', reason, data: { toUnit: parent!.name, stage: clock.stage, overdueWorkingDays: overdueDays } },
  });
  await tx.insert(caseUrges).values({
    districtCode: c.districtCode,
    caseId: c.id,
    unitPath: c.unitPath,
    note: reason,
    replyBy: calendar.addWorkingDays(shanghaiDate(at), 1).date,
    isAutomatic: true,
  });
  const watchers = await tx
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.districtCode, c.districtCode),
        eq(users.unitId, parent!.id),
        inArray(users.role, ['dispatcher', 'leader']),
        isNull(users.disabledAt),
      ),
    );
  return watchers.map((w) => ({
    districtCode: c.districtCode,
    dedupeKey: `escalation:${clock.id}:${w.id}`,
    channel: 'in_app' as const,
    recipientUserId: w.id,
    caseId: c.id,
    title: `案件 ${c.code} 逾期提级督办`,
    body: reason,
  }));
}

/**
 * A district's running clocks near or past their warning point: started + warn% of the period, less three days for the
 * "one working day left" rule; the exact colour is decided by the sweep.
 */
function clocksToLookAt(db: Db, district: string, today: string) {
  return db
    .select()
    .from(caseClocks)
    .where(
      and(
        eq(caseClocks.districtCode, district),
        isNull(caseClocks.stoppedAt),
        isNull(caseClocks.pausedOn),
        sql`${caseClocks.startedOn} + ((${caseClocks.dueDate} - ${caseClocks.startedOn}) * ${caseClocks.warnPercent} / 100) <= ${today}::date + 3`,
      ),
    );
}

/**
 * The deadline sweep: for every running clock at or past its warning point, queue a reminder (yellow, then red) to
 * whoever holds the case, once per clock, level and due date; escalate clocks long overdue. Each case is one
 * transaction, and every effect is keyed, so a sweep cut off half-way and run again does each thing exactly once.
 */
export async function runDeadlineSweep(opts: {
  db: Db;
  calendar: WorkCalendar;
  now?: Date;
  escalateAfterWorkingDays: number;
  /** Test hook: throw after this many cases, as a crash would. */
  failAfterCases?: number;
}): Promise<SweepResult> {
  const { db, calendar, escalateAfterWorkingDays } = opts;
  const now = opts.now ?? new Date();
  const today = shanghaiDate(now);
  // Only clocks near or past their warning point: started + warn% of the period, less three days for the
  // "one working day left" rule; the exact colour is decided below.
  const due: ClockRow[] = [];
  for (const district of await listDistricts(db)) {
    due.push(...(await clocksToLookAt(db, district, today)));
  }
  const byCase = new Map<string, ClockRow[]>();

  for (const k of due) byCase.set(`${k.districtCode}:${k.caseId}`, [...(byCase.get(`${k.districtCode}:${k.caseId}`) ?? []), k]);

  const result: SweepResult = { clocks: due.length, reminders: 0, escalations: 0 };
  let processed = 0;
  for (const clocks of byCase.values()) {
    if (opts.failAfterCases !== undefined && processed >= opts.failAfterCases) throw new Error('sweep interrupted (test)');
    await db.transaction(async (tx) => {
      const [c] = await tx
        .select()
        .from(cases)
        .where(and(eq(cases.districtCode, clocks[0]!.districtCode), eq(cases.id, clocks[0]!.caseId)));
      if (!c) return;
      const messages: OutboxMessage[] = [];
      const overdueMessages: OutboxMessage[] = [];
      let recipients: string[] | undefined;
      for (const clock of clocks) {
        const status = clockStatus(calendar, clock, today);
        if (status.level === 'normal') continue;
        recipients ??= await recipientsOf(tx, c);
        const text =
          status.level === 'overdue'
            ? `${STAGE_NAMES[clock.stage]}期限 ${clock.dueDate} 已逾期 ${-status.workingDaysLeft} 个工作日`
            : `${STAGE_NAMES[clock.stage]}期限 ${clock.dueDate} 即将届满，剩 ${status.workingDaysLeft} 个工作日`;
        for (const userId of recipients) {
          (status.level === 'overdue' ? overdueMessages : messages).push({
            districtCode: c.districtCode,
            // The due date is in the key: an extension re-arms the reminders for the new date.
            dedupeKey: `clock:${clock.id}:${status.level}:${clock.dueDate}:${userId}`,
            channel: 'in_app',
            recipientUserId: userId,
            caseId: c.id,
            title: `案件 ${c.code} ${status.level === 'overdue' ? '已逾期' : '期限预警'}`,
            body: `${c.summary}：${text}`,
          });
        }
        if (status.level === 'overdue' && ESCALATED_STAGES.includes(clock.stage) && -status.workingDaysLeft >= escalateAfterWorkingDays) {
          const told = await escalate(db, tx, calendar, c, clock, -status.workingDaysLeft, now);
          if (told) {
            result.escalations++;
            messages.push(...told);
          }
        }
      }
      result.reminders += await enqueue(tx, messages);
      // The first overdue reminder of a clock and due date is the moment it turns red: the wall and the boards hear it.
      const turnedRed = await enqueue(tx, overdueMessages);
      result.reminders += turnedRed;
      if (turnedRed > 0) await announceCase(tx, c, 'case.overdue', now);
    });
    processed++;
  }
  return result;
}
