import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { addDays, shanghaiDate, startOfShanghaiDate } from '../../../shared/calendar.js';
import type { Db } from '../../db/client.js';
import { cases, units } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { visibleCasesCondition } from '../case-access/cases.policy.js';
import { failureCondition } from '../deadlines/three-failures.js';

/**
 * 三个未 by the unit holding the cases (the lead unit, or the place unit before dispatch): of the cases the actor sees
 * registered in [from, to] (Shanghai dates), how many were not accepted, not handled or not handled lawfully as of
 * today (the conditions: deadlines/three-failures.ts). Units with most failures first.
 */
export async function reportThreeFailures(opts: { db: Db; actor: Actor; from: string; to: string }) {
  const { db, actor } = opts;
  const today = shanghaiDate(new Date());
  const holder = sql<string>`coalesce(${cases.leadUnitId}, ${cases.unitId})`;
  const count = (cond: ReturnType<typeof failureCondition>) => sql<number>`count(*) filter (where ${cond})::int`;
  const rows = await db
    .select({
      unitId: holder,
      unitName: units.name,
      cases: sql<number>`count(*)::int`,
      notAccepted: count(failureCondition('not_accepted', today)),
      notHandled: count(failureCondition('not_handled', today)),
      unlawful: count(failureCondition('unlawful', today)),
    })
    .from(cases)
    .innerJoin(units, and(eq(units.districtCode, cases.districtCode), sql`${units.id} = ${holder}`))
    .where(
      and(
        eq(cases.districtCode, actor.districtCode),
        visibleCasesCondition(actor),
        gte(cases.createdAt, startOfShanghaiDate(opts.from)),
        lt(cases.createdAt, startOfShanghaiDate(addDays(opts.to, 1))),
      ),
    )
    .groupBy(holder, units.name)
    .orderBy(sql`4 desc, 5 desc, 6 desc, 3 desc`);
  return { today, rows };
}
