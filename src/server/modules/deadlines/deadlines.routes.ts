import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recomputeDueDate } from '../../../shared/time-limits.js';
import { recomputeBodySchema, timeLimitInputSchema, timeLimitSchema } from '../../../shared/schemas/time-limits.js';
import { adminLog, caseClocks, timeLimitPolicies } from '../../db/schema.js';
import { actorOf, type Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import type { Tx } from '../../db/client.js';
import { forgetTimeLimits, listTimeLimits, type TimeLimitPolicyRow } from './time-limits.repository.js';

const present = (r: TimeLimitPolicyRow) => ({
  id: r.id,
  priority: r.priority,
  stage: r.stage,
  kind: r.kind,
  category: r.category,
  channel: r.channel,
  difficulty: r.difficulty,
  days: r.days,
  unit: r.unit,
  maxExtensionDays: r.maxExtensionDays,
  warnPercent: r.warnPercent,
  legalBasis: r.legalBasis,
  isEnabled: r.isEnabled,
  updatedAt: r.updatedAt.toISOString(),
});

async function logAdmin(tx: Tx, actor: Actor, action: string, entity: string, data: Record<string, unknown>) {
  await tx.insert(adminLog).values({ districtCode: actor.districtCode, actorId: actor.id, action, entity, data });
}

export const deadlinesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, calendar } = app.deps;

  app.get(
    '/',
    {
      onRequest: [app.requirePermission('timeLimit.view')],
      schema: { operationId: 'listTimeLimits', tags: ['deadlines'], response: { 200: z.object({ items: z.array(timeLimitSchema) }) } },
    },
    async (request) => ({ items: (await listTimeLimits(db, actorOf(request).districtCode)).map(present) }),
  );

  app.post(
    '/',
    {
      onRequest: [app.requirePermission('timeLimit.edit')],
      schema: { operationId: 'createTimeLimit', tags: ['deadlines'], body: timeLimitInputSchema, response: { 201: timeLimitSchema } },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const row = await db.transaction(async (tx) => {
        const [created] = await tx
          .insert(timeLimitPolicies)
          .values({ ...request.body, districtCode: actor.districtCode })
          .returning();
        await logAdmin(tx, actor, 'time_limit.create', `time_limit:${created!.id}`, { ...request.body });
        return created!;
      });
      forgetTimeLimits(db, actor.districtCode);
      return reply.status(201).send(present(row));
    },
  );

  // Applies to stages entered from now on: running clocks keep the limit they started with.
  app.put(
    '/:id',
    {
      onRequest: [app.requirePermission('timeLimit.edit')],
      schema: {
        operationId: 'updateTimeLimit',
        tags: ['deadlines'],
        params: z.object({ id: z.string().uuid() }),
        body: timeLimitInputSchema,
        response: { 200: timeLimitSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(timeLimitPolicies)
          .set({ ...request.body, updatedAt: new Date() })
          .where(and(eq(timeLimitPolicies.districtCode, actor.districtCode), eq(timeLimitPolicies.id, request.params.id)))
          .returning();
        if (!updated) throw new AppError('TIME_LIMIT_NOT_FOUND');
        await logAdmin(tx, actor, 'time_limit.update', `time_limit:${updated.id}`, { ...request.body });
        return updated;
      });
      forgetTimeLimits(db, actor.districtCode);
      return present(row);
    },
  );

  // The administrator's explicit choice to move running deadlines to the current policies; logged with a reason.
  app.post(
    '/recompute',
    {
      onRequest: [app.requirePermission('timeLimit.edit')],
      schema: {
        operationId: 'recomputeDeadlines',
        tags: ['deadlines'],
        body: recomputeBodySchema,
        response: { 200: z.object({ recomputed: z.number() }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const cal = await calendar.get();
      const policies = new Map((await listTimeLimits(db, actor.districtCode)).map((p) => [p.id, p]));
      const recomputed = await db.transaction(async (tx) => {
        const running = await tx
          .select()
          .from(caseClocks)
          .where(and(eq(caseClocks.districtCode, actor.districtCode), isNull(caseClocks.stoppedAt)));
        let n = 0;
        for (const c of running) {
          const p = c.policyId ? policies.get(c.policyId) : undefined;
          if (
            !p ||
            (p.days === c.days && p.unit === c.unit && p.warnPercent === c.warnPercent && p.maxExtensionDays === c.maxExtensionDays)
          )
            continue;
          const due = recomputeDueDate(cal, { ...c, days: p.days, unit: p.unit });
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
        await logAdmin(tx, actor, 'time_limit.recompute', 'case_clocks', { reason: request.body.reason, recomputed: n });
        return n;
      });
      request.log.info({ recomputed }, 'running deadlines recomputed from current policies');
      return { recomputed };
    },
  );
};
