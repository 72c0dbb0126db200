import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { urgeSchema } from '../../../shared/schemas/cases.js';
import { actorOf } from '../../plugins/auth.js';
import { listUrges } from './list-urges.js';

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
    async (request) => listUrges({ db, actor: actorOf(request), ...request.query }),
  );
};
