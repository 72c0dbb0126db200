import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  addMemberBodySchema,
  concludePackageBodySchema,
  createPackageBodySchema,
  listPackagesQuerySchema,
  meetingBodySchema,
  packageDetailSchema,
  packageListSchema,
  packageMemberParamsSchema,
  removeMemberBodySchema,
} from '../../../shared/schemas/packages.js';
import { actorOf } from '../../plugins/auth.js';
import {
  addPackageMember,
  concludePackage,
  createPackage,
  getPackage,
  listPackages,
  recordMeeting,
  removePackageMember,
} from './packages.js';
import { idParamsSchema } from '../../../shared/schemas/common.js';

/** 一揽子化解 (`/api/packages`): related cases handled as one package. */
export const packagesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const view = { onRequest: [app.requirePermission('package.view')] };
  const manage = { onRequest: [app.requirePermission('package.manage')] };
  const tags = ['packages'];

  app.get(
    '/',
    {
      ...view,
      schema: {
        operationId: 'listPackages',
        tags,
        querystring: listPackagesQuerySchema,
        response: { 200: packageListSchema },
      },
    },
    async (request) => listPackages(db, actorOf(request), request.query.status),
  );
  app.post(
    '/',
    { ...manage, schema: { operationId: 'createPackage', tags, body: createPackageBodySchema, response: { 201: packageDetailSchema } } },
    async (request, reply) => {
      const actor = actorOf(request);
      const id = await createPackage({ db, actor, input: request.body });
      return reply.status(201).send(await getPackage(db, actor, id));
    },
  );
  app.get(
    '/:id',
    { ...view, schema: { operationId: 'getPackage', tags, params: idParamsSchema, response: { 200: packageDetailSchema } } },
    async (request) => getPackage(db, actorOf(request), request.params.id),
  );
  app.post(
    '/:id/members',
    {
      ...manage,
      schema: {
        operationId: 'addPackageMember',
        tags,
        params: idParamsSchema,
        body: addMemberBodySchema,
        response: { 200: packageDetailSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await addPackageMember({ db, actor, packageId: request.params.id, caseId: request.body.caseId });
      return getPackage(db, actor, request.params.id);
    },
  );
  app.post(
    '/:id/members/:caseId/remove',
    {
      ...manage,
      schema: {
        operationId: 'removePackageMember',
        tags,
        params: packageMemberParamsSchema,
        body: removeMemberBodySchema,
        response: { 200: packageDetailSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await removePackageMember({ db, actor, packageId: request.params.id, caseId: request.params.caseId, reason: request.body.reason });
      return getPackage(db, actor, request.params.id);
    },
  );
  app.post(
    '/:id/meetings',
    {
      ...manage,
      schema: {
        operationId: 'recordPackageMeeting',
        tags,
        params: idParamsSchema,
        body: meetingBodySchema,
        response: { 200: packageDetailSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await recordMeeting({ db, actor, packageId: request.params.id, input: request.body });
      return getPackage(db, actor, request.params.id);
    },
  );
  app.post(
    '/:id/conclude',
    {
      ...manage,
      schema: {
        operationId: 'concludePackage',
        tags,
        params: idParamsSchema,
        body: concludePackageBodySchema,
        response: { 200: packageDetailSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await concludePackage({ db, actor, packageId: request.params.id, input: request.body });
      return getPackage(db, actor, request.params.id);
    },
  );
};
