import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addDays, shanghaiDate, startOfShanghaiDate } from '../../../shared/calendar.js';
import { cases, units } from '../../db/schema.js';
import { actorOf } from '../../plugins/auth.js';
import { visibleCasesCondition } from '../case-access/cases.policy.js';
import { failureCondition } from '../deadlines/three-failures.js';

export const reportsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get(
    '/three-failures',
    {
      onRequest: [app.requirePermission('report.threeFailures')],
      schema: {
        operationId: 'reportThreeFailures',
        tags: ['reports'],
        summary: '三个未：应受理未受理、应办理未办理、不依法办理，按承办单位',
        description:
          'Cases registered in [from, to] (Asia/Shanghai dates) that the viewer may see, grouped by the unit holding them (the lead unit, or the place unit before dispatch). not_accepted: the acceptance clock ran past its due date; not_handled: the handling clock did; unlawful: concluded without the required document (a petition without a 信访处理意见书 or a mediation agreement without the agreement attached).',
        querystring: z.object({ from: z.string().date(), to: z.string().date() }),
        response: {
          200: z.object({
            today: z.string(),
            rows: z.array(
              z.object({
                unitId: z.string(),
                unitName: z.string(),
                cases: z.number(),
                notAccepted: z.number(),
                notHandled: z.number(),
                unlawful: z.number(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
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
            gte(cases.createdAt, startOfShanghaiDate(request.query.from)),
            lt(cases.createdAt, startOfShanghaiDate(addDays(request.query.to, 1))),
          ),
        )
        .groupBy(holder, units.name)
        .orderBy(sql`4 desc, 5 desc, 6 desc, 3 desc`);
      return { today, rows };
    },
  );
};
