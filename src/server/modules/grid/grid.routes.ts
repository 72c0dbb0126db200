import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../plugins/auth.js';
import { checkIn, listMyCheckins } from './check-ins.js';
import { checkinBodySchema, checkinListSchema, checkinSchema } from '../../../shared/schemas/grid.js';

/** 巡查打卡 (`/api/grid/…`): a grid worker's patrol check-ins, sent from the offline app when the network allows. */
export const gridRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.post(
    '/checkins',
    {
      onRequest: [app.requirePermission('grid.patrol')],
      schema: { operationId: 'checkIn', tags: ['grid'], body: checkinBodySchema, response: { 200: checkinSchema, 201: checkinSchema } },
    },
    async (request, reply) => {
      const { isNew, checkin } = await checkIn({ db, actor: actorOf(request), body: request.body });
      return reply.status(isNew ? 201 : 200).send(checkin);
    },
  );

  app.get(
    '/checkins',
    {
      onRequest: [app.requirePermission('grid.patrol')],
      schema: { operationId: 'listMyCheckins', tags: ['grid'], response: { 200: checkinListSchema } },
    },
    async (request) => listMyCheckins(db, actorOf(request)),
  );
};
