import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  cameraAlertListSchema,
  cameraAlertReceivedSchema,
  cameraInputSchema,
  cameraListSchema,
  cameraSchema,
  cameraWebhookHeadersSchema,
  webhookAlertSchema,
  webhookHeartbeatSchema,
} from '../../../shared/schemas/cameras.js';
import { isValidSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../lib/hmac-signature.js';
import { actorOf } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { receiveCameraAlert, receiveHeartbeat } from './camera-alerts.js';
import { createCamera, listCameraAlerts, listCameras, updateCamera } from './cameras.repository.js';
import { findCameraAlertClient } from '../integrations/api-clients.repository.js';
import { idParamsSchema, noContentSchema } from '../../../shared/schemas/common.js';

/** 视频监控点位: the register of camera points (`/api/cameras`). */
export const cameraRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  app.get(
    '/',
    {
      onRequest: [app.requirePermission('camera.view')],
      schema: { operationId: 'listCameras', tags: ['cameras'], response: { 200: cameraListSchema } },
    },
    async (request) => listCameras(db, actorOf(request)),
  );
  app.post(
    '/',
    {
      onRequest: [app.requirePermission('camera.edit')],
      schema: { operationId: 'createCamera', tags: ['cameras'], body: cameraInputSchema, response: { 201: cameraSchema } },
    },
    async (request, reply) => reply.status(201).send(await createCamera({ db, actor: actorOf(request), input: request.body })),
  );
  app.put(
    '/:id',
    {
      onRequest: [app.requirePermission('camera.edit')],
      schema: {
        operationId: 'updateCamera',
        tags: ['cameras'],
        params: idParamsSchema,
        body: cameraInputSchema,
        response: { 200: cameraSchema },
      },
    },
    async (request) => updateCamera({ db, actor: actorOf(request), id: request.params.id, input: request.body }),
  );
  app.get(
    '/:id/alerts',
    {
      onRequest: [app.requirePermission('camera.view')],
      schema: { operationId: 'listCameraAlerts', tags: ['cameras'], params: idParamsSchema, response: { 200: cameraAlertListSchema } },
    },
    async (request) => listCameraAlerts({ db, actor: actorOf(request), id: request.params.id }),
  );
};

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

/**
 * Signed webhooks from video-analytics gateways (`/api/integrations/cameras/…`): the same messages as over MQTT,
 * for devices that only speak HTTP. Signed with the client's secret (HMAC-SHA256 over `<timestamp>.<body>`); the
 * client must be allowed to post camera alerts.
 */
export const cameraWebhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto, calendar: calendarCache, config } = app.deps;
  // The signature covers the exact bytes: keep them.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new AppError('VALIDATION_FAILED', { reason: 'body is not JSON' }), undefined);
    }
  });
  const headers = cameraWebhookHeadersSchema;
  const verify = async (request: { headers: Record<string, string | string[] | undefined>; rawBody?: string }) => {
    const clientId = request.headers['x-fengqiao-client'] as string;
    const client = await findCameraAlertClient(db, config.DISTRICT_CODE, clientId);
    const ok =
      !!client &&
      isValidSignature({
        secret: crypto.decrypt(client.signingSecretEnc),
        timestamp: request.headers[TIMESTAMP_HEADER] as string | undefined,
        signature: request.headers[SIGNATURE_HEADER] as string | undefined,
        body: request.rawBody ?? '',
      });
    if (!ok) throw new AppError('SIGNATURE_INVALID');
  };

  // Signed by the device (HMAC), never sent with a cookie: no cross-site check (plugins/csrf.ts).
  const machine = { csrf: false } as const;
  app.post(
    '/alerts',
    {
      config: machine,
      schema: {
        operationId: 'postCameraAlert',
        tags: ['cameras'],
        headers,
        body: webhookAlertSchema,
        response: { 200: cameraAlertReceivedSchema },
      },
    },
    async (request) => {
      await verify(request);
      const { cameraCode, ...message } = request.body;
      const outcome = await receiveCameraAlert({
        db,
        crypto,
        calendar: await calendarCache.get(),
        districtCode: config.DISTRICT_CODE,
        cameraCode,
        message,
        foldWindowSeconds: config.CAMERA_FOLD_WINDOW_SECONDS,
      });
      return { caseCode: outcome.caseCode, count: outcome.count, isNew: outcome.isNew };
    },
  );

  app.post(
    '/heartbeats',
    {
      config: machine,
      schema: {
        operationId: 'postCameraHeartbeat',
        tags: ['cameras'],
        headers,
        body: webhookHeartbeatSchema,
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      await verify(request);
      await receiveHeartbeat(db, config.DISTRICT_CODE, request.body.cameraCode);
      return reply.status(204).send(null);
    },
  );
};
