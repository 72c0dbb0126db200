import { and, desc, eq, inArray, or } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasPermission } from '../../../shared/permissions.js';
import { paragraph } from '../../../shared/schemas/text.js';
import { personLookupBodySchema, personLookupResponseSchema, revealBodySchema } from '../../../shared/schemas/persons.js';
import { accessLog, caseParties, cases, persons } from '../../db/schema.js';
import { actorOf } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canSeeCase } from '../case-access/cases.policy.js';
import { findCaseRow } from '../case-access/case-row.js';
import { findPerson, personHashCondition, plainField } from '../persons/persons.repository.js';
import { likelyMatchesOf, markNotSame, mergePersons, undoMerge } from './person-merges.js';

export const personsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto } = app.deps;

  // At intake, as soon as an ID number or phone is typed: is this person known, and what did they bring before?
  // Cases outside the clerk's jurisdiction show only code and status (信访工作条例 Art.19: show the earlier case).
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
    async (request) => {
      const actor = actorOf(request);
      // Normalised and checked by the schema (ID_NUMBER_INVALID, PHONE_INVALID).
      const { idNumber, phone } = request.body;
      const condition = personHashCondition(crypto, actor.districtCode, { idNumber, phone })!;
      const matched = await db
        .select({ id: persons.id, name: persons.name, mergedInto: persons.mergedInto })
        .from(persons)
        .where(condition)
        .limit(20);
      if (matched.length === 0) return { person: null, earlierCases: [] };
      // Merged records count as the person they were merged into, with all its records.
      const roots = [...new Set(matched.map((p) => p.mergedInto ?? p.id))];
      const found = await db
        .select({ id: persons.id, name: persons.name, mergedInto: persons.mergedInto })
        .from(persons)
        .where(and(eq(persons.districtCode, actor.districtCode), or(inArray(persons.id, roots), inArray(persons.mergedInto, roots))));
      found.sort((a, b) => Number(!!a.mergedInto) - Number(!!b.mergedInto));
      const rows = await db
        .selectDistinct({
          id: cases.id,
          code: cases.code,
          summary: cases.summary,
          status: cases.status,
          createdAt: cases.createdAt,
          unitPath: cases.unitPath,
          leadUnitPath: cases.leadUnitPath,
          coUnitIds: cases.coUnitIds,
        })
        .from(caseParties)
        .innerJoin(cases, and(eq(cases.districtCode, caseParties.districtCode), eq(cases.id, caseParties.caseId)))
        .where(
          and(
            eq(caseParties.districtCode, actor.districtCode),
            inArray(
              caseParties.personId,
              found.map((p) => p.id),
            ),
          ),
        )
        .orderBy(desc(cases.createdAt))
        .limit(50);
      return {
        person: { id: found[0]!.id, name: found[0]!.name },
        earlierCases: rows.map((r) => {
          const visible = canSeeCase(actor, r);
          return {
            id: r.id,
            code: r.code,
            summary: visible ? r.summary : '（管辖范围外）',
            status: r.status,
            createdAt: r.createdAt.toISOString(),
            visible,
          };
        }),
      };
    },
  );

  // Shows one personal field of a party in full; the reveal and its purpose go to the access log first.
  app.post(
    '/cases/:caseId/parties/:partyId/reveal',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'revealPartyField',
        tags: ['persons'],
        params: z.object({ caseId: z.string().uuid(), partyId: z.string().uuid() }),
        body: revealBodySchema,
        response: { 200: z.object({ field: z.string(), value: z.string().nullable() }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const row = await findCaseRow(db, actor.districtCode, request.params.caseId);
      if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
      if (!hasPermission(actor.role, 'person.reveal')) throw new AppError('FORBIDDEN');
      const [party] = await db
        .select()
        .from(caseParties)
        .where(
          and(eq(caseParties.districtCode, actor.districtCode), eq(caseParties.caseId, row.id), eq(caseParties.id, request.params.partyId)),
        );
      const person = party && (await findPerson(db, actor.districtCode, party.personId));
      if (!person) throw new AppError('CASE_NOT_FOUND');
      await db.insert(accessLog).values({
        districtCode: actor.districtCode,
        actorId: actor.id,
        entityType: 'person',
        entityId: person.id,
        field: request.body.field,
        purpose: `${request.body.purpose}（案件 ${row.code}）`,
        requestId: request.id,
        ip: request.ip,
      });
      request.log.info({ personId: person.id, field: request.body.field }, 'personal data revealed');
      return { field: request.body.field, value: plainField(crypto, person, request.body.field) };
    },
  );

  // The person registry: likely duplicates of a record, merging (reversible, logged) and "not the same person".
  const personParams = z.object({ id: z.string().uuid() });
  app.get(
    '/persons/:id/likely',
    {
      onRequest: [app.requirePermission('person.merge')],
      schema: {
        operationId: 'likelyPersons',
        tags: ['persons'],
        params: personParams,
        response: { 200: z.array(z.object({ id: z.string(), name: z.string(), caseCount: z.number(), reasons: z.array(z.string()) })) },
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
        params: personParams,
        body: z.object({ intoId: z.string().uuid(), reason: paragraph(500) }),
        response: { 200: z.object({ mergeId: z.string() }) },
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
      schema: { operationId: 'undoPersonMerge', tags: ['persons'], params: personParams, response: { 204: z.null() } },
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
        params: personParams,
        body: z.object({ otherId: z.string().uuid() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await markNotSame({ db, actor: actorOf(request), personId: request.params.id, otherId: request.body.otherId });
      return reply.status(204).send(null);
    },
  );
};
