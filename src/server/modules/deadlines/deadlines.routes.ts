import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  recomputeBodySchema,
  recomputedSchema,
  timeLimitInputSchema,
  timeLimitListSchema,
  timeLimitSchema,
} from '../../../shared/schemas/time-limits.js';
import { actorOf } from '../../plugins/auth.js';
import { createTimeLimit, recomputeDeadlines, updateTimeLimit } from './edit-time-limits.js';
import { listTimeLimits, type TimeLimitPolicyRow } from './time-limits.repository.js';
import { idParamsSchema } from '../../../shared/schemas/common.js';

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

export const deadlinesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, calendar } = app.deps;

  app.get(
    '/',
    {
      onRequest: [app.requirePermission('timeLimit.view')],
      schema: { operationId: 'listTimeLimits', tags: ['deadlines'], response: { 200: timeLimitListSchema } },
    },
    async (request) => ({ items: (await listTimeLimits(db, actorOf(request).districtCode)).map(present) }),
  );

  app.post(
    '/',
    {
      onRequest: [app.requirePermission('timeLimit.edit')],
      schema: { operationId: 'createTimeLimit', tags: ['deadlines'], body: timeLimitInputSchema, response: { 201: timeLimitSchema } },
    },
    async (request, reply) => reply.status(201).send(present(await createTimeLimit({ db, actor: actorOf(request), body: request.body }))),
  );

  // Applies to stages entered from now on: running clocks keep the limit they started with.
  app.put(
    '/:id',
    {
      onRequest: [app.requirePermission('timeLimit.edit')],
      schema: {
        operationId: 'updateTimeLimit',
        tags: ['deadlines'],
        params: idParamsSchema,
        body: timeLimitInputSchema,
        response: { 200: timeLimitSchema },
      },
    },
    async (request) => present(await updateTimeLimit({ db, actor: actorOf(request), id: request.params.id, body: request.body })),
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
        response: { 200: recomputedSchema },
      },
    },
    async (request) => {
      const recomputed = await recomputeDeadlines({
        db,
        calendar: await calendar.get(),
        actor: actorOf(request),
        reason: request.body.reason,
      });
      request.log.info({ recomputed }, 'running deadlines recomputed from current policies');
      return { recomputed };
    },
  );
};
