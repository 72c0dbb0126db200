import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { publicProgressSchema } from '../../../shared/schemas/cases.js';
import { publicReceiptSchema } from '../../../shared/schemas/receipt.js';
import { errorBody } from '../../plugins/errors.js';
import { getPublicProgress, getPublicReceipt } from './progress.js';
import { trackingTokenParamsSchema } from '../../../shared/schemas/portal.js';

const tokenRateLimit = {
  rateLimit: { max: 60, timeWindow: '1 minute', errorResponseBuilder: () => ({ statusCode: 429, ...errorBody('RATE_LIMITED') }) },
};

export const publicRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;
  app.get(
    '/progress/:trackingToken',
    {
      config: tokenRateLimit,
      schema: {
        operationId: 'getPublicProgress',
        tags: ['public'],
        params: trackingTokenParamsSchema,
        response: { 200: publicProgressSchema },
      },
    },
    async (request) => getPublicProgress(db, request.params.trackingToken),
  );

  app.get(
    '/progress/:trackingToken/receipt',
    {
      config: tokenRateLimit,
      schema: {
        operationId: 'getPublicReceipt',
        summary: '受理回执：中心名称、地址、电话，登记时间，案件编号与查询码，进度查询地址，下一步及期限',
        tags: ['public'],
        params: trackingTokenParamsSchema,
        response: { 200: publicReceiptSchema },
      },
    },
    async (request) =>
      getPublicReceipt({
        db,
        config,
        trackingToken: request.params.trackingToken,
        // Without PUBLIC_BASE_URL, the address this request came to: right for a phone on the portal, and for a
        // receipt printed at the desk it is the address the centre's own network reaches.
        baseUrl: config.PUBLIC_BASE_URL ?? `${request.protocol}://${request.host}`,
      }),
  );
};
