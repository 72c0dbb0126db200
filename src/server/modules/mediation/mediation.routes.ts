import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  agreementInputSchema,
  agreementSchema,
  agreementTermParamsSchema,
  getAgreementQuerySchema,
  judicialConfirmationBodySchema,
  performanceBodySchema,
  petitionReplyBodySchema,
  petitionReplyListSchema,
  petitionReplySchema,
  petitionStageParamsSchema,
  policeReferralBodySchema,
  policeReferralSchema,
  recordSessionBodySchema,
  scheduleSessionBodySchema,
  sessionListSchema,
  sessionSchema,
  signatureBodySchema,
} from '../../../shared/schemas/agreements.js';
import { actorOf } from '../../plugins/auth.js';
import { listSessions, recordSession, referToPolice, scheduleSession } from './sessions.js';
import { issuePetitionReply, listPetitionReplies, petitionReplyDocx, petitionReplyHtml } from './petition-replies.js';
import { buildCaseFile } from './case-file.js';
import { readAgreementDocument } from './read-agreement-document.js';
import { findCaseRow } from '../case-access/case-row.js';
import { presentCaseDetail } from '../case-access/case-detail.js';
import { AppError } from '../../plugins/errors.js';
import { fileResponse } from '../../lib/openapi.js';
import { MEDIA_TYPES } from '../../lib/media-types.js';
import { agreementDocx, agreementHtml, agreementTitle } from './agreement-document.js';
import {
  finalizeAgreement,
  presentAgreement,
  recordJudicialConfirmation,
  recordPerformance,
  saveAgreement,
  signAgreement,
} from './agreements.js';
import { caseSessionParamsSchema, idParamsSchema, noContentSchema } from '../../../shared/schemas/common.js';

const params = idParamsSchema;

/** 人民调解协议书 and 司法确认 of a case (`/api/cases/{id}/agreement…`). */
export const mediationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto, calendar: calendarCache } = app.deps;
  const tags = ['mediation'];
  const present = async (actor: ReturnType<typeof actorOf>, id: string) =>
    presentAgreement({ db, calendar: await calendarCache.get(), actor, caseId: id });

  app.get(
    '/:id/agreement',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'getAgreement',
        tags,
        params,
        // The case page asks whether there is one yet: "none" is an answer there (204), not an error in the console.
        querystring: getAgreementQuerySchema,
        response: { 200: agreementSchema, 204: noContentSchema },
      },
    },
    async (request, reply) => {
      try {
        return await present(actorOf(request), request.params.id);
      } catch (err) {
        if (request.query.ifExists === 'true' && err instanceof AppError && err.code === 'AGREEMENT_NOT_FOUND')
          return reply.status(204).send(null);
        throw err;
      }
    },
  );
  app.put(
    '/:id/agreement',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'saveAgreement',
        tags,
        summary: 'Write the draft agreement',
        params,
        body: agreementInputSchema,
        response: { 200: agreementSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await saveAgreement({ db, actor, caseId: request.params.id, body: request.body });
      return present(actor, request.params.id);
    },
  );
  app.post(
    '/:id/agreement/finalize',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'finalizeAgreement',
        tags,
        summary: '定稿 (refused with the missing statutory item)',
        params,
        response: { 200: agreementSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await finalizeAgreement(db, actor, request.params.id);
      return present(actor, request.params.id);
    },
  );
  app.post(
    '/:id/agreement/signatures',
    {
      onRequest: [app.requireActor],
      schema: { operationId: 'signAgreement', tags, params, body: signatureBodySchema, response: { 200: agreementSchema } },
    },
    async (request) => {
      const actor = actorOf(request);
      await signAgreement({ db, calendar: await calendarCache.get(), crypto, actor, caseId: request.params.id, body: request.body });
      return present(actor, request.params.id);
    },
  );
  app.put(
    '/:id/agreement/judicial-confirmation',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'recordJudicialConfirmation',
        tags,
        params,
        body: judicialConfirmationBodySchema,
        response: { 200: agreementSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await recordJudicialConfirmation({ db, actor, caseId: request.params.id, body: request.body });
      return present(actor, request.params.id);
    },
  );

  app.post(
    '/:id/agreement/terms/:index/performance',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'recordTermPerformance',
        tags,
        summary: '履行情况',
        params: agreementTermParamsSchema,
        body: performanceBodySchema,
        response: { 200: agreementSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await recordPerformance({ db, actor, caseId: request.params.id, index: request.params.index, body: request.body });
      return present(actor, request.params.id);
    },
  );

  app.get(
    '/:id/sessions',
    { onRequest: [app.requireActor], schema: { operationId: 'listSessions', tags, params, response: { 200: sessionListSchema } } },
    async (request) => listSessions(db, actorOf(request), request.params.id),
  );
  app.post(
    '/:id/sessions',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'scheduleSession',
        tags,
        summary: '安排调解',
        params,
        body: scheduleSessionBodySchema,
        response: { 201: sessionSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await scheduleSession({ db, actor: actorOf(request), caseId: request.params.id, body: request.body })),
  );
  app.put(
    '/:id/sessions/:sessionId/record',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'recordSession',
        tags,
        summary: '调解笔录',
        params: caseSessionParamsSchema,
        body: recordSessionBodySchema,
        response: { 200: sessionSchema },
      },
    },
    async (request) =>
      recordSession({
        db,
        calendar: await calendarCache.get(),
        actor: actorOf(request),
        caseId: request.params.id,
        sessionId: request.params.sessionId,
        body: request.body,
      }),
  );
  app.post(
    '/:id/refer-police',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'referToPolice',
        tags,
        summary: '移送公安（人民调解法第二十五条）',
        params,
        body: policeReferralBodySchema,
        response: { 200: policeReferralSchema },
      },
    },
    async (request) => referToPolice({ db, actor: actorOf(request), caseId: request.params.id, reason: request.body.reason }),
  );

  app.get(
    '/:id/petition-replies',
    {
      onRequest: [app.requireActor],
      schema: { operationId: 'listPetitionReplies', tags, params, response: { 200: petitionReplyListSchema } },
    },
    async (request) => listPetitionReplies({ db, calendar: await calendarCache.get(), actor: actorOf(request), caseId: request.params.id }),
  );
  app.post(
    '/:id/petition-replies',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'issuePetitionReply',
        tags,
        summary: '出具信访处理意见书 / 复查 / 复核意见书 (refused naming a missing item)',
        params,
        body: petitionReplyBodySchema,
        response: { 201: petitionReplySchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await issuePetitionReply({
          db,
          calendar: await calendarCache.get(),
          actor: actorOf(request),
          caseId: request.params.id,
          body: request.body,
        }),
      ),
  );
  const petitionDocument = async (actor: ReturnType<typeof actorOf>, caseId: string, stage: 'reply' | 'review' | 're_review') => {
    const replies = await listPetitionReplies({ db, calendar: await calendarCache.get(), actor, caseId });
    const found = replies.find((r) => r.stage === stage);
    if (!found) throw new AppError('NOT_FOUND');
    const detail = await presentCaseDetail(
      { db, crypto, calendar: await calendarCache.get() },
      actor,
      (await findCaseRow(db, actor.districtCode, caseId))!,
    );
    return { code: detail.code, petitioner: detail.parties.find((p) => p.role === 'applicant')?.name ?? '信访人', reply: found };
  };
  app.get(
    '/:id/petition-replies/:stage/docx',
    {
      onRequest: [app.requirePermission('person.reveal')],
      schema: {
        operationId: 'downloadPetitionReply',
        tags,
        params: petitionStageParamsSchema,
        response: { 200: fileResponse({ description: '信访处理意见书 / 复查 / 复核意见书 (DOCX)', mediaTypes: [MEDIA_TYPES.docx] }) },
      },
    },
    async (request, reply) => {
      const doc = await petitionDocument(actorOf(request), request.params.id, request.params.stage);
      reply
        .type(MEDIA_TYPES.docx)
        .header('content-disposition', `attachment; filename="petition-${request.params.stage}-${doc.code}.docx"`)
        .header('cache-control', 'no-store');
      return reply.send(await petitionReplyDocx(doc));
    },
  );
  app.get(
    '/:id/petition-replies/:stage/html',
    {
      onRequest: [app.requirePermission('person.reveal')],
      schema: {
        operationId: 'printPetitionReply',
        tags,
        params: petitionStageParamsSchema,
        response: { 200: fileResponse({ description: 'Print-ready page of the opinion', mediaTypes: [MEDIA_TYPES.html] }) },
      },
    },
    async (request, reply) =>
      reply
        .type(`${MEDIA_TYPES.html}; charset=utf-8`)
        .header('cache-control', 'no-store')
        .send(petitionReplyHtml(await petitionDocument(actorOf(request), request.params.id, request.params.stage))),
  );
  app.get(
    '/:id/case-file.zip',
    {
      onRequest: [app.requirePermission('person.reveal')],
      schema: {
        operationId: 'downloadCaseFile',
        tags,
        summary: '案卷: the whole case as a ZIP of HTML/DOCX with an index (logged)',
        params,
        response: { 200: fileResponse({ description: '案卷 (ZIP)', mediaTypes: [MEDIA_TYPES.zip] }) },
      },
    },
    async (request, reply) => {
      const { code, zip } = await buildCaseFile({
        db,
        crypto,
        calendar: await calendarCache.get(),
        actor: actorOf(request),
        caseId: request.params.id,
        requestId: request.id,
        ip: request.ip,
      });
      reply
        .type(MEDIA_TYPES.zip)
        .header(
          'content-disposition',
          `attachment; filename="case-file-${code}.zip"; filename*=UTF-8''${encodeURIComponent(`案卷-${code}.zip`)}`,
        )
        .header('cache-control', 'no-store');
      return reply.send(zip);
    },
  );

  const documentOf = (request: { params: { id: string }; id: string; ip: string }, actor: ReturnType<typeof actorOf>) =>
    readAgreementDocument({ db, crypto, actor, caseId: request.params.id, requestId: request.id, ip: request.ip });
  app.get(
    '/:id/agreement.docx',
    {
      onRequest: [app.requirePermission('person.reveal')],
      schema: {
        operationId: 'downloadAgreementDocx',
        tags,
        summary: 'DOCX, one copy per party plus the committee’s (logged)',
        params,
        response: { 200: fileResponse({ description: '人民调解协议书 (DOCX)', mediaTypes: [MEDIA_TYPES.docx] }) },
      },
    },
    async (request, reply) => {
      const doc = await documentOf(request, actorOf(request));
      reply
        .type(MEDIA_TYPES.docx)
        .header(
          'content-disposition',
          `attachment; filename="agreement-${doc.code}${doc.isDraft ? '-draft' : ''}.docx"; filename*=UTF-8''${encodeURIComponent(`${agreementTitle(doc)}-${doc.code}.docx`)}`,
        )
        .header('cache-control', 'no-store');
      return reply.send(await agreementDocx(doc));
    },
  );
  app.get(
    '/:id/agreement.html',
    {
      onRequest: [app.requirePermission('person.reveal')],
      schema: {
        operationId: 'printAgreement',
        tags,
        summary: 'Print-ready page (logged)',
        params,
        response: { 200: fileResponse({ description: 'Print-ready page of the agreement', mediaTypes: [MEDIA_TYPES.html] }) },
      },
    },
    async (request, reply) => {
      const doc = await documentOf(request, actorOf(request));
      return reply.type(`${MEDIA_TYPES.html}; charset=utf-8`).header('cache-control', 'no-store').send(agreementHtml(doc));
    },
  );
};
