import { and, eq, sql } from 'drizzle-orm';
import type { WorkCalendar } from '../../../shared/calendar.js';
import type { TimeLimitInput } from '../../../shared/schemas/time-limits.js';
import { recomputeDueDate } from '../../../shared/time-limits.js';
import type { Db, Tx } from '../../db/client.js';
import { adminLog, timeLimitPolicies } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { rewriteRunningClocks } from './case-clocks.js';
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
 * A batch of cases at a time, under their locks (case-clocks.ts `rewriteRunningClocks`): the log's count is always the
 * clocks changed so far, and a repeat after a crash finishes what is left. Returns how many clocks changed.
 */
export async function recomputeDeadlines(opts: { db: Db; calendar: WorkCalendar; actor: Actor; reason: string }): Promise<number> {
  const { db, calendar, actor } = opts;
  const policies = new Map((await listTimeLimits(db, actor.districtCode)).map((p) => [p.id, p]));
  // The log's one row, written with the first batch and kept equal to the clocks changed so far by each next batch.
  let logId: number | undefined;
  let total = 0;
  return rewriteRunningClocks({
    db,
    districtCode: actor.districtCode,
    // The clocks whose rule now says otherwise (judged again under the locks, below).
    candidates: sql`exists (select 1 from time_limit_policies p where p.district_code = k.district_code and p.id = k.policy_id
      and (p.days, p.unit, p.warn_percent, p.max_extension_days) is distinct from (k.days, k.unit, k.warn_percent, k.max_extension_days))`,
    rewrite: (c) => {
      const p = c.policyId ? policies.get(c.policyId) : undefined;
      if (!p || (p.days === c.days && p.unit === c.unit && p.warnPercent === c.warnPercent && p.maxExtensionDays === c.maxExtensionDays))
        return null;
      const due = recomputeDueDate(calendar, { ...c, days: p.days, unit: p.unit });
      return {
        ...c,
        days: p.days,
        unit: p.unit,
        warnPercent: p.warnPercent,
        maxExtensionDays: p.maxExtensionDays,
        legalBasis: p.legalBasis,
        dueDate: due.date,
        isProvisional: due.provisional,
      };
    },
    afterBatch: async (tx, changed) => {
      total += changed;
      const data = { reason: opts.reason, recomputed: total };
      if (logId === undefined) {
        const [logged] = await tx
          .insert(adminLog)
          .values({ districtCode: actor.districtCode, actorId: actor.id, action: 'time_limit.recompute', entity: 'case_clocks', data })
          .returning({ id: adminLog.id });
        logId = logged!.id;
      } else
        await tx
          .update(adminLog)
          .set({ data })
          .where(and(eq(adminLog.districtCode, actor.districtCode), eq(adminLog.id, logId)));
    },
  });
}
