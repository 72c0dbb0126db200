import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { threeFailuresQuerySchema, threeFailuresReportSchema } from '../../../shared/schemas/supervision.js';
import { actorOf } from '../../plugins/auth.js';
import { reportThreeFailures } from './report-three-failures.js';

export const reportsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get(
    '/three-failures',
    {
      onRequest: [app.requirePermission('report.threeFailures')],
      schema: {
        operationId: 'reportThreeFailures',
        tags: ['reports'],
        summary: '三个未：应受理未受理、应办理未办理、不依法办理，按承办单位',
        description:
          'Cases registered in [from, to] (Asia/Shanghai dates) that the viewer may see, grouped by the unit holding them (the lead unit, or the place unit before dispatch). not_accepted: the acceptance clock ran past its due date; not_handled: the handling clock did; unlawful: concluded without the required document (a petition without a 信访处理意见书 or a mediation agreement without the agreement attached).',
        querystring: threeFailuresQuerySchema,
        response: { 200: threeFailuresReportSchema },
      },
    },
    async (request) => reportThreeFailures({ db, actor: actorOf(request), from: request.query.from, to: request.query.to }),
  );
};
