import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  handlerSuggestionsQuerySchema,
  handlerSuggestionsSchema,
  routingFeedbackBodySchema,
  routingModelReportSchema,
  routingSuggestBodySchema,
  routingSuggestionSchema,
  similarCasesSchema,
} from '../../../shared/schemas/learning.js';
import { actorOf } from '../../plugins/auth.js';
import { findSimilarCases } from './similar-cases.js';
import { suggestHandlers } from './suggest-handlers.js';
import { recordRoutingFeedback, routingModelReport, suggestRouting, trainOnDemand } from './routing.js';
import { idParamsSchema, noContentSchema } from '../../../shared/schemas/common.js';

/** `/api/routing`: suggestions learnt from the district's own cases, the model's report, training on demand. */
export const routingRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;
  const settings = { minPerCategory: config.ROUTING_MIN_PER_CATEGORY, minPerUnit: config.ROUTING_MIN_PER_UNIT };
  app.post(
    '/suggest',
    {
      onRequest: [app.requirePermission('routing.suggest')],
      schema: {
        operationId: 'suggestRouting',
        tags: ['routing'],
        summary: '智能分流建议 Kind, category and lead unit suggested from the summary and narrative (saves nothing)',
        body: routingSuggestBodySchema,
        response: { 200: routingSuggestionSchema },
      },
    },
    async (request) => suggestRouting({ db, actor: actorOf(request), summary: request.body.summary, narrative: request.body.narrative }),
  );
  app.post(
    '/feedback',
    {
      onRequest: [app.requirePermission('routing.suggest')],
      schema: {
        operationId: 'recordRoutingFeedback',
        tags: ['routing'],
        summary: 'Whether a shown suggestion was accepted (the accepted share)',
        body: routingFeedbackBodySchema,
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      await recordRoutingFeedback(db, actorOf(request), request.body);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/model',
    {
      onRequest: [app.requirePermission('routing.viewModel')],
      schema: {
        operationId: 'getRoutingModel',
        tags: ['routing'],
        summary: 'The routing model’s report: per-category precision/recall/F1 and confusion matrix on held-out recent cases',
        response: { 200: routingModelReportSchema },
      },
    },
    async (request) => routingModelReport(db, actorOf(request).districtCode),
  );
  app.post(
    '/model/train',
    {
      onRequest: [app.requirePermission('routing.train')],
      schema: {
        operationId: 'trainRoutingModel',
        tags: ['routing'],
        summary: 'Train the routing model now (in a worker thread); it replaces the active one only if not worse',
        response: { 200: routingModelReportSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await trainOnDemand({ db, actor, settings });
      return routingModelReport(db, actor.districtCode);
    },
  );
};

/** `GET /api/cases/{id}/similar`: 类案参考 on a case page (mediators and dispatchers). */
export const similarCasesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  app.get(
    '/:id/similar',
    {
      onRequest: [app.requirePermission('case.similar')],
      schema: {
        operationId: 'getSimilarCases',
        tags: ['cases'],
        summary: '类案参考 The five most similar concluded cases of the district (not the same parties’), with outcome, duration and terms',
        params: idParamsSchema,
        response: { 200: similarCasesSchema },
      },
    },
    async (request) => findSimilarCases({ db, actor: actorOf(request), caseId: request.params.id }),
  );
  app.get(
    '/:id/handler-suggestions',
    {
      onRequest: [app.requirePermission('case.suggestHandlers')],
      schema: {
        operationId: 'suggestHandlers',
        tags: ['cases'],
        summary: 'At dispatch: the chosen unit’s handlers ranked by their record with this category and their open load, with reasons',
        params: idParamsSchema,
        querystring: handlerSuggestionsQuerySchema,
        response: { 200: handlerSuggestionsSchema },
      },
    },
    async (request) => suggestHandlers({ db, actor: actorOf(request), caseId: request.params.id, unitId: request.query.unitId }),
  );
};
