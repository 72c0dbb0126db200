import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { paragraph } from '../../../shared/schemas/text.js';
import { actorOf } from '../../plugins/auth.js';
import { checkIn, listMyCheckins } from './check-ins.js';

const checkinBody = z.object({
  id: z.string().uuid().describe('Made on the phone; the same id twice is one check-in'),
  at: z.string().datetime({ offset: true }).describe('When the worker checked in (may be long before it is sent)'),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
  note: paragraph(500, { min: 0 }).optional(),
});
const checkinSchema = checkinBody.extend({
  receivedAt: z.string(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  note: z.string().nullable(),
});

/** 巡查打卡 (`/api/grid/…`): a grid worker's patrol check-ins, sent from the offline app when the network allows. */
export const gridRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.post(
    '/checkins',
    {
      onRequest: [app.requirePermission('grid.patrol')],
      schema: { operationId: 'checkIn', tags: ['grid'], body: checkinBody, response: { 200: checkinSchema, 201: checkinSchema } },
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
      schema: { operationId: 'listMyCheckins', tags: ['grid'], response: { 200: z.array(checkinSchema) } },
    },
    async (request) => listMyCheckins(db, actorOf(request)),
  );
};
