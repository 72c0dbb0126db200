import { and, desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { paragraph } from '../../../shared/schemas/text.js';
import { patrolCheckins } from '../../db/schema.js';
import { actorOf } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';

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
  const present = (r: typeof patrolCheckins.$inferSelect) => ({
    id: r.id,
    at: r.at.toISOString(),
    lat: r.lat,
    lng: r.lng,
    note: r.note,
    receivedAt: r.receivedAt.toISOString(),
  });

  app.post(
    '/checkins',
    {
      onRequest: [app.requirePermission('grid.patrol')],
      schema: { operationId: 'checkIn', tags: ['grid'], body: checkinBody, response: { 200: checkinSchema, 201: checkinSchema } },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const b = request.body;
      const [created] = await db
        .insert(patrolCheckins)
        .values({
          districtCode: actor.districtCode,
          id: b.id,
          userId: actor.id,
          unitId: actor.unitId,
          at: new Date(b.at),
          lat: b.lat ?? null,
          lng: b.lng ?? null,
          note: b.note ?? null,
        })
        .onConflictDoNothing()
        .returning();
      if (created) return reply.status(201).send(present(created));
      const [existing] = await db
        .select()
        .from(patrolCheckins)
        .where(and(eq(patrolCheckins.districtCode, actor.districtCode), eq(patrolCheckins.id, b.id), eq(patrolCheckins.userId, actor.id)));
      if (!existing) throw new AppError('VALIDATION_FAILED', { id: 'used by someone else' });
      return reply.status(200).send(present(existing));
    },
  );

  app.get(
    '/checkins',
    {
      onRequest: [app.requirePermission('grid.patrol')],
      schema: { operationId: 'listMyCheckins', tags: ['grid'], response: { 200: z.array(checkinSchema) } },
    },
    async (request) => {
      const actor = actorOf(request);
      const rows = await db
        .select()
        .from(patrolCheckins)
        .where(and(eq(patrolCheckins.districtCode, actor.districtCode), eq(patrolCheckins.userId, actor.id)))
        .orderBy(desc(patrolCheckins.at))
        .limit(50);
      return rows.map(present);
    },
  );
};
