import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../plugins/auth.js';
import { listNotifications, markNotificationsRead } from './inbox.js';

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
    async (request) => listNotifications({ db, actor: actorOf(request), page: request.query.page, pageSize: request.query.pageSize }),
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
    async (request) => ({ updated: await markNotificationsRead({ db, actor: actorOf(request), ids: request.body.ids }) }),
  );
};
