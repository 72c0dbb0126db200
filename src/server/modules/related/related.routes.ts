import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { relatedPreviewBodySchema, relatedPreviewSchema, riskRulesSchema } from '../../../shared/schemas/related.js';
import { actorOf } from '../../plugins/auth.js';
import { previewRelated } from './related-preview.js';
import { cachedRiskRules, loadRiskRules, saveRiskRules } from './risk-rules.repository.js';

/** `POST /api/cases/related-preview`: who this is and what is related, for a draft, saving nothing. */
export const relatedPreviewRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto } = app.deps;
  app.post(
    '/related-preview',
    {
      onRequest: [app.requirePermission('case.register')],
      schema: {
        operationId: 'previewRelated',
        tags: ['cases'],
        summary: '关联研判 Related cases, likely persons and risk signals of a draft (saves nothing)',
        body: relatedPreviewBodySchema,
        response: { 200: relatedPreviewSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return previewRelated({ db, crypto, actor, draft: request.body, rules: await cachedRiskRules(db, actor.districtCode) });
    },
  );
};

/** `/api/risk-rules`: the thresholds and threat words behind the risk signals; the admin edits them. */
export const riskRulesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  app.get(
    '/',
    {
      onRequest: [app.requirePermission('riskRules.view')],
      schema: { operationId: 'getRiskRules', tags: ['risk'], response: { 200: riskRulesSchema } },
    },
    async (request) => loadRiskRules(db, actorOf(request).districtCode),
  );
  app.put(
    '/',
    {
      onRequest: [app.requirePermission('riskRules.edit')],
      schema: { operationId: 'updateRiskRules', tags: ['risk'], body: riskRulesSchema, response: { 200: riskRulesSchema } },
    },
    async (request) => saveRiskRules(db, actorOf(request), request.body),
  );
};
