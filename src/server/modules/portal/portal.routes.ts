import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { attachmentSchema } from '../../../shared/schemas/cases.js';
import {
  confirmVerificationBodySchema,
  confirmVerificationResponseSchema,
  portalCounsellingRequestBodySchema,
  portalRatingBodySchema,
  portalReportBodySchema,
  portalReportHeadersSchema,
  portalReportResponseSchema,
  portalTicketHeadersSchema,
  publicPlaceListSchema,
  ratedCaseSchema,
  receivedSchema,
  startVerificationBodySchema,
  startVerificationResponseSchema,
  trackingTokenParamsSchema,
} from '../../../shared/schemas/portal.js';
import { AppError, errorBody } from '../../plugins/errors.js';
import { readUploadedFile, UPLOAD_ROUTE_CONFIG } from '../../lib/uploaded-file.js';
import {
  addPortalPhoto,
  listPublicPlaces,
  confirmVerification,
  filePortalReport,
  PHOTOS_PER_REPORT,
  rateByToken,
  requestCounsellingOnPortal,
  startVerification,
} from './portal.js';
import { idParamsSchema } from '../../../shared/schemas/common.js';

/**
 * 群众自助 portal (`/api/public/…`, no account): phone verification by SMS, filing a report with photos, rating the
 * handling. Abuse controls need no outside service: per-IP limits here, per-phone limits in `portal.ts`, a honeypot
 * field, byte-checked uploads.
 */
export const portalRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto, sms, config, calendar: calendarCache } = app.deps;
  // Without an SMS gateway a demo cannot receive codes: the demo shows the code on screen instead.
  const showCode = config.SMS_DRIVER === 'log' && config.DEMO_DATA === 'true' && config.NODE_ENV !== 'production';
  /** Per IP; photos and code confirmations come in threes, hence their larger shares. */
  const perIp = (share: number) => ({
    rateLimit: {
      max: config.PORTAL_RATE_LIMIT * share,
      timeWindow: '1 minute',
      errorResponseBuilder: () => ({ statusCode: 429, ...errorBody('RATE_LIMITED') }),
    },
  });

  app.get(
    '/places',
    {
      schema: {
        operationId: 'listPublicPlaces',
        tags: ['public'],
        summary: 'Streets and communities, for the place field',
        response: { 200: publicPlaceListSchema },
      },
    },
    async () => listPublicPlaces(db, config.DISTRICT_CODE),
  );

  app.post(
    '/verifications',
    {
      config: perIp(1),
      schema: {
        operationId: 'startPhoneVerification',
        tags: ['public'],
        body: startVerificationBodySchema,
        response: { 201: startVerificationResponseSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await startVerification({
          db,
          crypto,
          sms,
          districtCode: config.DISTRICT_CODE,
          phone: request.body.phone,
          ip: request.ip,
          showCode,
        }),
      ),
  );

  app.post(
    '/verifications/:id/confirm',
    {
      config: perIp(2),
      schema: {
        operationId: 'confirmPhoneVerification',
        tags: ['public'],
        params: idParamsSchema,
        body: confirmVerificationBodySchema,
        response: { 200: confirmVerificationResponseSchema },
      },
    },
    async (request) =>
      confirmVerification({ db, crypto, districtCode: config.DISTRICT_CODE, verificationId: request.params.id, code: request.body.code }),
  );

  app.post(
    '/counselling-requests',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 hour' } },
      schema: {
        operationId: 'requestCounsellingOnPortal',
        tags: ['portal'],
        summary: '网上申请心理咨询（需先验证手机号；内容保密，仅心理咨询师可见）',
        headers: portalTicketHeadersSchema,
        body: portalCounsellingRequestBodySchema,
        response: { 201: receivedSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await requestCounsellingOnPortal({
          db,
          crypto,
          ticket: request.headers['x-portal-ticket'],
          name: request.body.name,
          reason: request.body.reason,
        }),
      ),
  );

  app.post(
    '/reports',
    {
      config: perIp(1),
      schema: {
        operationId: 'filePortalReport',
        tags: ['public'],
        headers: portalReportHeadersSchema,
        body: portalReportBodySchema,
        response: { 200: portalReportResponseSchema, 201: portalReportResponseSchema },
      },
    },
    async (request, reply) => {
      const idempotencyKey = request.headers['idempotency-key'];
      if (!idempotencyKey) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
      const { row, isReplay } = await filePortalReport({
        db,
        crypto,
        calendar: await calendarCache.get(),
        ticket: request.headers['x-portal-ticket'],
        idempotencyKey,
        body: request.body,
      });
      if (!isReplay) request.log.info({ caseId: row.id, code: row.code }, 'portal report filed');
      return reply.status(isReplay ? 200 : 201).send({
        code: row.code,
        trackingToken: row.trackingToken,
        status: row.status,
        registeredAt: row.createdAt.toISOString(),
        photoLimit: PHOTOS_PER_REPORT,
      });
    },
  );

  app.post(
    '/reports/:trackingToken/photos',
    {
      config: { ...perIp(3), ...UPLOAD_ROUTE_CONFIG },
      schema: {
        operationId: 'addPortalPhoto',
        tags: ['public'],
        summary: 'multipart/form-data, one image (JPEG, PNG or WebP, 10 MB)',
        headers: portalTicketHeadersSchema,
        params: trackingTokenParamsSchema,
        response: { 201: attachmentSchema },
      },
    },
    async (request, reply) => {
      const { fileName, content } = await readUploadedFile(request);
      const created = await addPortalPhoto({
        db,
        crypto,
        ticket: request.headers['x-portal-ticket'],
        trackingToken: request.params.trackingToken,
        fileName,
        content,
      });
      return reply.status(201).send({
        id: created.id,
        kind: 'photo' as const,
        fileName: created.fileName,
        mimeType: created.mimeType,
        size: created.size,
        createdAt: created.createdAt.toISOString(),
      });
    },
  );

  app.post(
    '/progress/:trackingToken/rating',
    {
      config: perIp(1),
      schema: {
        operationId: 'rateCase',
        tags: ['public'],
        summary: '群众评价 (the follow-up of a concluded case)',
        params: trackingTokenParamsSchema,
        body: portalRatingBodySchema,
        response: { 200: ratedCaseSchema },
      },
    },
    async (request) => {
      const row = await rateByToken({
        db,
        calendar: await calendarCache.get(),
        trackingToken: request.params.trackingToken.replace(/[\s-]/g, ''),
        satisfaction: request.body.satisfaction,
        comment: request.body.comment,
      });
      return { code: row.code, status: row.status };
    },
  );
};
