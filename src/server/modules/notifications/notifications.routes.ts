import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pageQuerySchema } from '../../../shared/schemas/common.js';
import { markNotificationsReadBodySchema, notificationInboxSchema, updatedCountSchema } from '../../../shared/schemas/notifications.js';
import { actorOf } from '../../plugins/auth.js';
import { listNotifications, markNotificationsRead } from './inbox.js';

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
        querystring: pageQuerySchema,
        response: { 200: notificationInboxSchema },
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
        body: markNotificationsReadBodySchema,
        response: { 200: updatedCountSchema },
      },
    },
    async (request) => ({ updated: await markNotificationsRead({ db, actor: actorOf(request), ids: request.body.ids }) }),
  );
};
