import { and, eq, isNull } from 'drizzle-orm';
import type { WorkCalendar } from '../../../shared/calendar.js';
import type { TimeLimitInput } from '../../../shared/schemas/time-limits.js';
import { recomputeDueDate } from '../../../shared/time-limits.js';
import type { Db, Tx } from '../../db/client.js';
import { adminLog, caseClocks, timeLimitPolicies } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { lockCases } from './case-clocks.js';
import { forgetTimeLimits, listTimeLimits, type TimeLimitPolicyRow } from './time-limits.repository.js';

async function logAdmin(tx: Tx, actor: Actor, entry: { action: string; entity: string; data: Record<string, unknown> }) {
  await tx.insert(adminLog).values({ districtCode: actor.districtCode, actorId: actor.id, ...entry });
}

/** A new time-limit rule, logged; this process reads the district's rules again at the next clock. */
export async function createTimeLimit(opts: { db: Db; actor: Actor; body: TimeLimitInput }): Promise<TimeLimitPolicyRow> {
  const { db, actor, body } = opts;
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(timeLimitPolicies)
      .values({ ...body, districtCode: actor.districtCode })
      .returning();
    await logAdmin(tx, actor, { action: 'time_limit.create', entity: `time_limit:${created!.id}`, data: { ...body } });
    return created!;
  });
  forgetTimeLimits(db, actor.districtCode);
  return row;
}

/** Changes a rule, logged. It applies to stages entered from now on: running clocks keep the limit they started with. */
export async function updateTimeLimit(opts: { db: Db; actor: Actor; id: string; body: TimeLimitInput }): Promise<TimeLimitPolicyRow> {
  const { db, actor, id, body } = opts;
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(timeLimitPolicies)
      .set({ ...body, updatedAt: new Date() })
      .where(and(eq(timeLimitPolicies.districtCode, actor.districtCode), eq(timeLimitPolicies.id, id)))
      .returning();
    if (!updated) throw new AppError('TIME_LIMIT_NOT_FOUND');
    await logAdmin(tx, actor, { action: 'time_limit.update', entity: `time_limit:${updated.id}`, data: { ...body } });
    return updated;
  });
  forgetTimeLimits(db, actor.districtCode);
  return row;
}

/**
 * The administrator's explicit choice to move running deadlines to the current policies: each running clock whose
 * rule now says otherwise gets that rule's limit and a due date counted again from its start; logged with the reason.
 * Returns how many clocks changed.
 */
export async function recomputeDeadlines(opts: { db: Db; calendar: WorkCalendar; actor: Actor; reason: string }): Promise<number> {
  const { db, calendar, actor } = opts;
  const policies = new Map((await listTimeLimits(db, actor.districtCode)).map((p) => [p.id, p]));
  return db.transaction(async (tx) => {
    const runningIn = and(eq(caseClocks.districtCode, actor.districtCode), isNull(caseClocks.stoppedAt));
    // The cases whose clocks may change, locked as a change of them does and read again under the locks: a step that
    // read its clocks before would otherwise write their old limits back (case-access/record-case-change.ts).
    const owners = await tx.selectDistinct({ caseId: caseClocks.caseId }).from(caseClocks).where(runningIn);
    await lockCases(
      tx,
      actor.districtCode,
      owners.map((o) => o.caseId),
    );
    const running = await tx.select().from(caseClocks).where(runningIn);
    let n = 0;
    for (const c of running) {
      const p = c.policyId ? policies.get(c.policyId) : undefined;
      if (!p || (p.days === c.days && p.unit === c.unit && p.warnPercent === c.warnPercent && p.maxExtensionDays === c.maxExtensionDays))
        continue;
      const due = recomputeDueDate(calendar, { ...c, days: p.days, unit: p.unit });
      await tx
        .update(caseClocks)
        .set({
          days: p.days,
          unit: p.unit,
          warnPercent: p.warnPercent,
          maxExtensionDays: p.maxExtensionDays,
          legalBasis: p.legalBasis,
          dueDate: due.date,
          isProvisional: due.provisional,
        })
        .where(and(eq(caseClocks.districtCode, c.districtCode), eq(caseClocks.id, c.id)));
      n++;
    }
    await logAdmin(tx, actor, { action: 'time_limit.recompute', entity: 'case_clocks', data: { reason: opts.reason, recomputed: n } });
    return n;
  });
}
