import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  apiClientInputSchema,
  apiClientListSchema,
  apiClientSchema,
  apiClientSecretsSchema,
  externalRefParamsSchema,
  transferCaseBodySchema,
  transferCaseSchema,
} from '../../../shared/schemas/integrations.js';
import { actorOf } from '../../plugins/auth.js';
import { apiKeyOf, authenticateApiKey, createApiClient, listApiClients, revokeApiClient, rotateApiKey } from './api-clients.repository.js';
import { fileTransferredCase, findTransferredCase, presentTransferCase } from './transfer.js';
import { idParamsSchema } from '../../../shared/schemas/common.js';

/** The admin's register of connected systems (`/api/admin/api-clients`). */
export const apiClientRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto } = app.deps;
  const manage = { onRequest: [app.requirePermission('integration.manage')] };

  app.get(
    '/',
    { ...manage, schema: { operationId: 'listApiClients', tags: ['integrations'], response: { 200: apiClientListSchema } } },
    async (request) => listApiClients(db, actorOf(request).districtCode),
  );
  app.post(
    '/',
    {
      ...manage,
      schema: {
        operationId: 'createApiClient',
        tags: ['integrations'],
        body: apiClientInputSchema,
        response: { 201: apiClientSecretsSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createApiClient({ db, crypto, actor: actorOf(request), input: request.body })),
  );
  app.post(
    '/:id/revoke',
    {
      ...manage,
      schema: { operationId: 'revokeApiClient', tags: ['integrations'], params: idParamsSchema, response: { 200: apiClientSchema } },
    },
    async (request) => revokeApiClient({ db, actor: actorOf(request), id: request.params.id }),
  );
  app.post(
    '/:id/rotate',
    {
      ...manage,
      schema: { operationId: 'rotateApiKey', tags: ['integrations'], params: idParamsSchema, response: { 200: apiClientSecretsSchema } },
    },
    async (request) => rotateApiKey({ db, crypto, actor: actorOf(request), id: request.params.id }),
  );
};

/**
 * 转办接口 for other systems (`/api/transfer`): 12345 hotline, 110 non-emergency, court referrals, petition bureau.
 * Authenticated by the client's API key; each sender's reference makes one case however often it is sent.
 */
export const transferRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto, calendar: calendarCache } = app.deps;
  const security = [{ apiKey: [] }];

  app.post(
    '/cases',
    {
      // Authenticated by its Bearer key, never by a cookie: no cross-site check (plugins/csrf.ts).
      config: { csrf: false },
      schema: {
        operationId: 'transferCase',
        tags: ['transfer'],
        summary: '转办/委派案件 File a case from another system',
        security,
        body: transferCaseBodySchema,
        response: { 200: transferCaseSchema, 201: transferCaseSchema },
      },
    },
    async (request, reply) => {
      const client = await authenticateApiKey(db, apiKeyOf(request.headers));
      const { row, isReplay } = await fileTransferredCase({ db, crypto, calendar: await calendarCache.get(), client, body: request.body });
      if (isReplay) reply.header('idempotent-replayed', 'true');
      else request.log.info({ caseId: row.id, client: client.name, externalRef: row.externalRef }, 'case transferred in');
      return reply.status(isReplay ? 200 : 201).send(await presentTransferCase(db, row));
    },
  );

  app.get(
    '/cases/:externalRef',
    {
      schema: {
        operationId: 'getTransferredCase',
        tags: ['transfer'],
        security,
        params: externalRefParamsSchema,
        response: { 200: transferCaseSchema },
      },
    },
    async (request) => {
      const client = await authenticateApiKey(db, apiKeyOf(request.headers));
      return presentTransferCase(db, await findTransferredCase(db, client, request.params.externalRef));
    },
  );
};
