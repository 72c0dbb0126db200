import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { urgeSchema } from '../../../shared/schemas/cases.js';
import { caseUrges, cases } from '../../db/schema.js';
import { actorOf } from '../../plugins/auth.js';
import { visibleCasesCondition } from '../case-access/cases.policy.js';
import { userNames } from '../../lib/user-names.js';
import { presentUrge } from '../case-access/case-detail.js';

/** "My urges": those waiting for my unit's answer (received) or those I issued (issued). */
export const urgesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  app.get(
    '/',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'listUrges',
        tags: ['deadlines'],
        querystring: z.object({
          box: z.enum(['received', 'issued']).default('received'),
          status: z.enum(['open', 'all']).default('open'),
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: {
          200: z.object({
            items: z.array(urgeSchema.extend({ caseCode: z.string(), caseSummary: z.string() })),
            total: z.number(),
            page: z.number(),
            pageSize: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const q = request.query;
      const where: SQL[] = [eq(caseUrges.districtCode, actor.districtCode)];
      if (q.box === 'issued') where.push(eq(caseUrges.urgedBy, actor.id));
      else where.push(visibleCasesCondition(actor));
      if (q.status === 'open') where.push(isNull(caseUrges.answeredAt));
      const condition = and(...where);
      const join = and(eq(cases.districtCode, caseUrges.districtCode), eq(cases.id, caseUrges.caseId));
      const [rows, [{ total } = { total: 0 }]] = await Promise.all([
        db
          .select({ urge: caseUrges, code: cases.code, summary: cases.summary })
          .from(caseUrges)
          .innerJoin(cases, join)
          .where(condition)
          .orderBy(desc(caseUrges.urgedAt))
          .limit(q.pageSize)
          .offset((q.page - 1) * q.pageSize),
        db
          .select({ total: sql<number>`count(*)::int` })
          .from(caseUrges)
          .innerJoin(cases, join)
          .where(condition),
      ]);
      const names = await userNames(
        db,
        actor.districtCode,
        rows.map((r) => r.urge.urgedBy),
      );
      return {
        items: rows.map((r) => ({ ...presentUrge(r.urge, names), caseCode: r.code, caseSummary: r.summary })),
        total,
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  );
};
