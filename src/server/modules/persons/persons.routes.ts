import { and, desc, eq, inArray } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CaseStatus } from '../../../shared/case-lifecycle.js';
import { checkIdNumber, isValidMobile, normalizeIdNumber, normalizePhone } from '../../../shared/identifiers.js';
import { hasPermission } from '../../../shared/permissions.js';
import { personLookupQuerySchema, personLookupResponseSchema, revealBodySchema } from '../../../shared/schemas/persons.js';
import { accessLog, caseParties, cases, persons } from '../../db/schema.js';
import { actorOf } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canSeeCase } from '../cases/cases.policy.js';
import { findCaseRow } from '../cases/cases.repository.js';
import { findPerson, personHashCondition, plainField } from './persons.repository.js';

export const personsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto } = app.deps;

  // At intake, as soon as an ID number or phone is typed: is this person known, and what did they bring before?
  // Cases outside the clerk's jurisdiction show only code and status (信访工作条例 Art.19: show the earlier case).
  app.get(
    '/persons/lookup',
    {
      onRequest: [app.requirePermission('person.lookup')],
      schema: { operationId: 'lookupPerson', tags: ['persons'], querystring: personLookupQuerySchema, response: { 200: personLookupResponseSchema } },
    },
    async (request) => {
      const actor = actorOf(request);
      const idNumber = request.query.idNumber ? normalizeIdNumber(request.query.idNumber) : undefined;
      const phone = request.query.phone ? normalizePhone(request.query.phone) : undefined;
      if (idNumber && !checkIdNumber(idNumber).valid) throw new AppError('ID_NUMBER_INVALID');
      if (phone && !isValidMobile(phone)) throw new AppError('PHONE_INVALID');
      const condition = personHashCondition(crypto, actor.districtCode, { idNumber, phone })!;
      const found = await db.select({ id: persons.id, name: persons.name }).from(persons).where(condition).limit(20);
      if (found.length === 0) return { person: null, earlierCases: [] };
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
        .where(and(eq(caseParties.districtCode, actor.districtCode), inArray(caseParties.personId, found.map((p) => p.id))))
        .orderBy(desc(cases.createdAt))
        .limit(50);
      return {
        person: found[0]!,
        earlierCases: rows.map((r) => {
          const visible = canSeeCase(actor, { ...r, status: r.status as CaseStatus });
          return {
            id: r.id,
            code: r.code,
            summary: visible ? r.summary : '（管辖范围外）',
            status: r.status as CaseStatus,
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
        .where(and(eq(caseParties.districtCode, actor.districtCode), eq(caseParties.caseId, row.id), eq(caseParties.id, request.params.partyId)));
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
};
