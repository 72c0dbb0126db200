import { and, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notifications } from '../../db/schema.js';
import { actorOf } from '../../plugins/auth.js';

const notificationSchema = z.object({
  id: z.string(),
  caseId: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  createdAt: z.string(),
  isRead: z.boolean(),
});

/** The signed-in user's in-app inbox (reminders, escalations). */
export const notificationsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  app.get(
    '/',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'listNotifications',
        tags: ['notifications'],
        querystring: z.object({
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: { 200: z.object({ items: z.array(notificationSchema), unread: z.number(), total: z.number() }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const mine = and(eq(notifications.districtCode, actor.districtCode), eq(notifications.userId, actor.id));
      const [rows, [{ total } = { total: 0 }], [{ unread } = { unread: 0 }]] = await Promise.all([
        db
          .select()
          .from(notifications)
          .where(mine)
          .orderBy(desc(notifications.createdAt))
          .limit(request.query.pageSize)
          .offset((request.query.page - 1) * request.query.pageSize),
        db.select({ total: count() }).from(notifications).where(mine),
        db
          .select({ unread: count() })
          .from(notifications)
          .where(and(mine, isNull(notifications.readAt))),
      ]);
      return {
        items: rows.map((n) => ({
          id: n.id,
          caseId: n.caseId,
          title: n.title,
          body: n.body,
          createdAt: n.createdAt.toISOString(),
          isRead: !!n.readAt,
        })),
        unread,
        total,
      };
    },
  );

  app.post(
    '/read',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'markNotificationsRead',
        tags: ['notifications'],
        body: z.object({ ids: z.array(z.string().uuid()).max(100).optional().describe('Omitted: all of mine') }),
        response: { 200: z.object({ updated: z.number() }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const where = [eq(notifications.districtCode, actor.districtCode), eq(notifications.userId, actor.id), isNull(notifications.readAt)];
      const ids = request.body.ids;
      const rows = await db
        .update(notifications)
        .set({ readAt: new Date() })
        .where(ids ? and(...where, inArrayOrNone(ids)) : and(...where))
        .returning({ id: notifications.id });
      return { updated: rows.length };
    },
  );
};

/** An empty id list matches nothing (never "all"). */
function inArrayOrNone(ids: string[]) {
  return ids.length ? inArray(notifications.id, ids) : eq(notifications.id, '00000000-0000-0000-0000-000000000000');
}
