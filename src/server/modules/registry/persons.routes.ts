import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  likelyPersonListSchema,
  mergeMadeSchema,
  mergePersonsBodySchema,
  notSamePersonBodySchema,
  partyParamsSchema,
  personLookupBodySchema,
  personLookupResponseSchema,
  revealBodySchema,
  revealedFieldSchema,
} from '../../../shared/schemas/persons.js';
import { actorOf } from '../../plugins/auth.js';
import { lookupPerson } from './lookup-person.js';
import { likelyMatchesOf, markNotSame, mergePersons, undoMerge } from './person-merges.js';
import { revealPartyField } from './reveal-party-field.js';
import { idParamsSchema, noContentSchema } from '../../../shared/schemas/common.js';

export const personsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto } = app.deps;

  // At intake, as soon as an ID number or phone is typed: is this person known, and what did they bring before?
  // A POST with the identifiers in its body: in a query string they would land in request logs and proxies' logs.
  app.post(
    '/persons/lookup',
    {
      onRequest: [app.requirePermission('person.lookup')],
      schema: {
        operationId: 'lookupPerson',
        tags: ['persons'],
        body: personLookupBodySchema,
        response: { 200: personLookupResponseSchema },
      },
    },
    // Normalised and checked by the schema (ID_NUMBER_INVALID, PHONE_INVALID).
    async (request) => lookupPerson({ db, crypto, actor: actorOf(request), idNumber: request.body.idNumber, phone: request.body.phone }),
  );

  // Shows one personal field of a party in full; the reveal and its purpose go to the access log first.
  app.post(
    '/cases/:caseId/parties/:partyId/reveal',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'revealPartyField',
        tags: ['persons'],
        params: partyParamsSchema,
        body: revealBodySchema,
        response: { 200: revealedFieldSchema },
      },
    },
    async (request) => {
      const { personId, value } = await revealPartyField({
        db,
        crypto,
        actor: actorOf(request),
        caseId: request.params.caseId,
        partyId: request.params.partyId,
        field: request.body.field,
        purpose: request.body.purpose,
        requestId: request.id,
        ip: request.ip,
      });
      request.log.info({ personId, field: request.body.field }, 'personal data revealed');
      return { field: request.body.field, value };
    },
  );

  // The person registry: likely duplicates of a record, merging (reversible, logged) and "not the same person".
  app.get(
    '/persons/:id/likely',
    {
      onRequest: [app.requirePermission('person.merge')],
      schema: {
        operationId: 'likelyPersons',
        tags: ['persons'],
        params: idParamsSchema,
        response: { 200: likelyPersonListSchema },
      },
    },
    async (request) => likelyMatchesOf(db, actorOf(request), request.params.id),
  );
  app.post(
    '/persons/:id/merge',
    {
      onRequest: [app.requirePermission('person.merge')],
      schema: {
        operationId: 'mergePersons',
        tags: ['persons'],
        summary: '合并: this record is the same person as `intoId`',
        params: idParamsSchema,
        body: mergePersonsBodySchema,
        response: { 200: mergeMadeSchema },
      },
    },
    async (request) => ({
      mergeId: (
        await mergePersons({
          db,
          actor: actorOf(request),
          fromId: request.params.id,
          intoId: request.body.intoId,
          reason: request.body.reason,
        })
      ).id,
    }),
  );
  app.post(
    '/persons/merges/:id/undo',
    {
      onRequest: [app.requirePermission('person.merge')],
      schema: { operationId: 'undoPersonMerge', tags: ['persons'], params: idParamsSchema, response: { 204: noContentSchema } },
    },
    async (request, reply) => {
      await undoMerge(db, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/persons/:id/not-same',
    {
      onRequest: [app.requirePermission('person.merge')],
      schema: {
        operationId: 'markNotSamePerson',
        tags: ['persons'],
        params: idParamsSchema,
        body: notSamePersonBodySchema,
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      await markNotSame({ db, actor: actorOf(request), personId: request.params.id, otherId: request.body.otherId });
      return reply.status(204).send(null);
    },
  );
};
