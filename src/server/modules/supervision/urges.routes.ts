import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listUrgesQuerySchema, urgeListSchema } from '../../../shared/schemas/supervision.js';
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
        querystring: listUrgesQuerySchema,
        response: { 200: urgeListSchema },
      },
    },
    async (request) => listUrges({ db, actor: actorOf(request), ...request.query }),
  );
};
