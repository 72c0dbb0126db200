import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
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
        querystring: z.object({ from: z.string().date(), to: z.string().date() }),
        response: {
          200: z.object({
            today: z.string(),
            rows: z.array(
              z.object({
                unitId: z.string(),
                unitName: z.string(),
                cases: z.number(),
                notAccepted: z.number(),
                notHandled: z.number(),
                unlawful: z.number(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => reportThreeFailures({ db, actor: actorOf(request), from: request.query.from, to: request.query.to }),
  );
};
