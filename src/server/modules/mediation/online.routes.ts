import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  agreementByLinkSchema,
  deliverDocumentBodySchema,
  deliveredDocumentSchema,
  deliveryListSchema,
  inviteToOnlineSessionBodySchema,
  joinOnlineSessionBodySchema,
  linkCodeBodySchema,
  linkCodeResponseSchema,
  linkTicketHeader,
  linkTicketSchema,
  linkTokenParams,
  onlineInviteeSchema,
  onlineInviteesSchema,
  onlineLinkInfoSchema,
  participantTokenSchema,
  publicOnlineSessionParamsSchema,
  recordingChunkParamsSchema,
  recordingChunkQuerySchema,
  recordingParamsSchema,
  recordingProgressSchema,
  recordingStartedSchema,
  signalQuerySchema,
  signByLinkBodySchema,
  signedSchema,
  signLinksResultSchema,
  startOnlineSessionOptionalBodySchema,
  startOnlineSessionResponseSchema,
  startRecordingBodySchema,
} from '../../../shared/schemas/online.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../plugins/errors.js';
import { endOnlineSession, inviteToOnlineSession, joinOnlineSession, listOnlineInvitees, startOnlineSession } from './online-sessions.js';
import { SignallingHub } from './signalling.js';
import { deliverDocumentOnline, listDeliveries, openDeliveredDocument } from './deliveries.js';
import { fileResponse } from '../../lib/openapi.js';
import { MEDIA_TYPES } from '../../lib/media-types.js';
import {
  completeSessionRecordings,
  MAX_CHUNK_BYTES,
  openRecordingForPlayback,
  startSessionRecording,
  uploadSessionRecording,
} from './recordings.js';
import { createReadStream } from 'node:fs';
import { actorOf } from '../../plugins/auth.js';
import { errorBody } from '../../plugins/errors.js';
import { describeLink, sendLinkCode, verifyLink } from './online-links.js';
import { readAgreementByLink, sendSignLinks, signAgreementByLink } from './sign-by-link.js';
import { caseSessionParamsSchema, idParamsSchema, noContentSchema } from '../../../shared/schemas/common.js';

const tags = ['online'];
const params = idParamsSchema;
const sessionParams = caseSessionParamsSchema;

/** One signalling hub per app (both route plugins below reach the same rooms). */
const hubs = new WeakMap<Deps, SignallingHub>();
function hubOf(app: Parameters<FastifyPluginAsyncZod>[0]): SignallingHub {
  let hub = hubs.get(app.deps);
  if (!hub) {
    hubs.set(app.deps, (hub = new SignallingHub(app.deps.db, app.deps.config, app.log)));
    app.addHook('onClose', async () => hub!.closeAll());
  }
  return hub;
}

/** The mediator's side of online mediation, under a case (`/api/cases/{id}/…`). */
export const onlineCaseRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config, crypto } = app.deps;
  const hub = hubOf(app);
  app.post(
    '/:id/agreement/sign-links',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'sendAgreementSignLinks',
        tags,
        summary: '把手机签署链接发给尚未签名的当事人（短信，需配置 PUBLIC_BASE_URL）',
        params,
        response: { 200: signLinksResultSchema },
      },
    },
    async (request) => sendSignLinks({ db, actor: actorOf(request), caseId: request.params.id, publicBaseUrl: config.PUBLIC_BASE_URL }),
  );

  app.post(
    '/:id/deliveries',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'deliverDocumentOnline',
        tags,
        summary: '线上送达: the agreement, the latest 信访处理意见书 or the 受理回执 by a one-time link to each party’s phone',
        params,
        body: deliverDocumentBodySchema,
        response: { 200: signLinksResultSchema },
      },
    },
    async (request) =>
      deliverDocumentOnline({
        db,
        actor: actorOf(request),
        caseId: request.params.id,
        kind: request.body.kind,
        partyIds: request.body.partyIds,
        publicBaseUrl: config.PUBLIC_BASE_URL,
      }),
  );
  app.get(
    '/:id/deliveries',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'listDeliveries',
        tags,
        summary: '送达记录: sent when, first opened when',
        params,
        response: {
          200: deliveryListSchema,
        },
      },
    },
    async (request) => listDeliveries(db, actorOf(request), request.params.id),
  );

  app.post(
    '/:id/sessions/:sessionId/online',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'startOnlineSession',
        tags,
        summary: '线上调解: open the video room of a scheduled session; the first time, each invited party gets a join link by SMS',
        params: sessionParams,
        body: startOnlineSessionOptionalBodySchema,
        response: { 200: startOnlineSessionResponseSchema },
      },
    },
    async (request) =>
      startOnlineSession({
        db,
        config,
        actor: actorOf(request),
        caseId: request.params.id,
        sessionId: request.params.sessionId,
        resendLinks: request.body?.resendLinks,
      }),
  );
  app.post(
    '/:id/sessions/:sessionId/invitees',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'inviteToOnlineSession',
        tags,
        summary:
          '邀请翻译/律师: the session’s mediator invites an interpreter or a lawyer/agent by name, role and mobile; a join link goes to that phone by SMS (at most four in the room: ONLINE_INVITE_FULL)',
        params: sessionParams,
        body: inviteToOnlineSessionBodySchema,
        response: { 201: onlineInviteeSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await inviteToOnlineSession({
          db,
          crypto,
          config,
          actor: actorOf(request),
          caseId: request.params.id,
          sessionId: request.params.sessionId,
          body: request.body,
        }),
      ),
  );
  app.get(
    '/:id/sessions/:sessionId/invitees',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'listOnlineInvitees',
        tags,
        summary: 'The interpreters and lawyers invited to a session (phones masked) and the places left',
        params: sessionParams,
        response: { 200: onlineInviteesSchema },
      },
    },
    async (request) =>
      listOnlineInvitees({ db, crypto, actor: actorOf(request), caseId: request.params.id, sessionId: request.params.sessionId }),
  );
  app.post(
    '/:id/sessions/:sessionId/online/end',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'endOnlineSession',
        tags,
        summary: 'End the video room: links and tokens stop working, attendance goes on the timeline',
        params: sessionParams,
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await endOnlineSession({ db, actor, caseId: request.params.id, sessionId: request.params.sessionId });
      hub.end(request.params.sessionId);
      await completeSessionRecordings({
        db,
        dataDir: config.dataDir,
        districtCode: actor.districtCode,
        sessionId: request.params.sessionId,
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/:id/sessions/:sessionId/recordings',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'startSessionRecording',
        tags,
        summary: '开始录像: only with every participant’s consent (RECORDING_NOT_CONSENTED otherwise)',
        params: sessionParams,
        body: startRecordingBodySchema,
        response: { 201: recordingStartedSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await startSessionRecording({
          db,
          actor: actorOf(request),
          caseId: request.params.id,
          sessionId: request.params.sessionId,
          mimeType: request.body.mimeType,
        }),
      ),
  );

  // The recorder's chunks are raw bytes (MediaRecorder's WebM), not JSON: parsed as a buffer here only.
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_CHUNK_BYTES }, (_request, body, done) =>
    done(null, body),
  );
  app.put(
    '/:id/sessions/:sessionId/recordings/:recordingId/chunks/:seq',
    {
      onRequest: [app.requireActor],
      bodyLimit: MAX_CHUNK_BYTES,
      config: { accepts: ['application/octet-stream'] },
      schema: {
        operationId: 'uploadSessionRecording',
        tags,
        summary:
          'One chunk (application/octet-stream, ≤ 8 MB) of a recording, in order from 0; a repeated chunk is acknowledged, `final=true` completes it (SHA-256, content-addressed file)',
        params: recordingChunkParamsSchema,
        querystring: recordingChunkQuerySchema,
        response: { 200: recordingProgressSchema },
      },
    },
    async (request) =>
      uploadSessionRecording({
        db,
        dataDir: config.dataDir,
        actor: actorOf(request),
        caseId: request.params.id,
        sessionId: request.params.sessionId,
        recordingId: request.params.recordingId,
        seq: request.params.seq,
        final: request.query.final === 'true',
        chunk: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      }),
  );

  app.get(
    '/:id/recordings/:recordingId',
    {
      onRequest: [app.requirePermission('person.reveal')],
      schema: {
        operationId: 'playSessionRecording',
        tags,
        summary: '调解录像 (WebM): for those who may see the case file; every playback logged as a view of personal data',
        params: recordingParamsSchema,
        response: { 200: fileResponse({ description: '调解录像 (WebM)', mediaTypes: [MEDIA_TYPES.webm] }) },
      },
    },
    async (request, reply) => {
      const { rec, path } = await openRecordingForPlayback({
        db,
        dataDir: config.dataDir,
        actor: actorOf(request),
        caseId: request.params.id,
        recordingId: request.params.recordingId,
        requestId: request.id,
        ip: request.ip,
      });
      return reply
        .type(MEDIA_TYPES.webm)
        .header('content-length', rec.size)
        .header('cache-control', 'no-store')
        .header('x-content-sha256', rec.sha256)
        .send(createReadStream(path));
    },
  );
};

/**
 * What a party's phone calls (`/api/public/online/…`, no account): the one-time link is the party's name for the
 * platform, the SMS code to the phone on the case is the proof. Per-IP limits here, per-phone limits on the codes.
 */
export const onlinePublicRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto, sms, config, calendar: calendarCache } = app.deps;
  const showCode = config.SMS_DRIVER === 'log' && config.DEMO_DATA === 'true' && config.NODE_ENV !== 'production';
  const perIp = (max: number) => ({
    rateLimit: { max, timeWindow: '1 minute', errorResponseBuilder: () => ({ statusCode: 429, ...errorBody('RATE_LIMITED') }) },
  });

  app.post(
    '/sessions/:sessionId/join',
    {
      config: perIp(Math.max(20, config.PORTAL_RATE_LIMIT * 2)),
      schema: {
        operationId: 'joinOnlineSession',
        tags,
        summary: 'A party’s one-time link + SMS code → a short-lived participant token (then the waiting room)',
        params: publicOnlineSessionParamsSchema,
        body: joinOnlineSessionBodySchema,
        response: { 200: participantTokenSchema },
      },
    },
    async (request) => joinOnlineSession({ db, crypto, config, sessionId: request.params.sessionId, body: request.body }),
  );

  const hub = hubOf(app);
  app.route({
    method: 'GET',
    url: '/sessions/:sessionId/signal',
    config: perIp(Math.max(120, config.PORTAL_RATE_LIMIT * 6)),
    schema: {
      operationId: 'signalOnlineSession',
      tags,
      summary:
        'WebSocket of the WebRTC signalling (`?token=` a participant token). Closed with 4401 for a non-participant, 4403 for another session’s, 4409 when full, 4410 once ended',
      params: publicOnlineSessionParamsSchema,
      querystring: signalQuerySchema,
    },
    // A plain GET (no upgrade) is told to use a WebSocket.
    handler: async () => {
      throw new AppError('WEBSOCKET_REQUIRED');
    },
    wsHandler: (socket, request) => {
      const { sessionId } = request.params as { sessionId: string };
      const { token: participantToken } = request.query as { token?: string };
      void hub.connect(socket, sessionId, participantToken);
    },
  });

  app.get(
    '/links/:token',
    {
      config: perIp(60),
      schema: { operationId: 'readOnlineLink', tags, params: linkTokenParams, response: { 200: onlineLinkInfoSchema } },
    },
    async (request) => describeLink(db, crypto, request.params.token),
  );
  app.post(
    '/links/:token/code',
    {
      config: perIp(Math.max(10, config.PORTAL_RATE_LIMIT)),
      schema: {
        operationId: 'sendOnlineLinkCode',
        tags,
        summary: 'SMS code to the phone on the case (one a minute, five an hour per phone)',
        params: linkTokenParams,
        response: { 201: linkCodeResponseSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await sendLinkCode({ db, crypto, sms, token: request.params.token, ip: request.ip, showCode })),
  );
  app.post(
    '/links/:token/verify',
    {
      config: perIp(Math.max(20, config.PORTAL_RATE_LIMIT * 2)),
      schema: {
        operationId: 'verifyOnlineLink',
        tags,
        summary: 'The SMS code → a ticket for reading and signing (30 minutes)',
        params: linkTokenParams,
        body: linkCodeBodySchema,
        response: { 200: linkTicketSchema },
      },
    },
    async (request) => verifyLink({ db, crypto, token: request.params.token, ...request.body }),
  );
  app.get(
    '/links/:token/agreement',
    {
      config: perIp(60),
      schema: {
        operationId: 'readAgreementByLink',
        tags,
        params: linkTokenParams,
        headers: linkTicketHeader,
        response: { 200: agreementByLinkSchema },
      },
    },
    async (request) => readAgreementByLink({ db, token: request.params.token, ticket: request.headers['x-link-ticket'] }),
  );
  app.get(
    '/links/:token/document',
    {
      config: perIp(60),
      schema: {
        operationId: 'openDeliveredDocument',
        tags,
        summary: '送达: the document the link delivers; the first opening is recorded on the case',
        params: linkTokenParams,
        headers: linkTicketHeader,
        response: {
          200: deliveredDocumentSchema,
        },
      },
    },
    async (request) => openDeliveredDocument({ db, token: request.params.token, ticket: request.headers['x-link-ticket'] }),
  );
  app.post(
    '/links/:token/signature',
    {
      config: perIp(20),
      schema: {
        operationId: 'signAgreementByLink',
        tags,
        summary: '手机签名: the drawn signature, consent and the digest of the text read',
        params: linkTokenParams,
        headers: linkTicketHeader,
        body: signByLinkBodySchema,
        response: { 201: signedSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await signAgreementByLink({
          db,
          crypto,
          calendar: await calendarCache.get(),
          token: request.params.token,
          ticket: request.headers['x-link-ticket'],
          body: request.body,
          ip: request.ip,
          userAgent: request.headers['user-agent'],
        }),
      ),
  );
};
