import { shanghaiDate } from '../../../shared/calendar.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type AttachmentKind } from '../../../shared/enums.js';
import {
  attachmentParamsSchema,
  attachmentSchema,
  caseActionBodySchema,
  caseDetailSchema,
  createCaseBodySchema,
  createCaseResponseSchema,
  exportCasesQuerySchema,
  listCasesQuerySchema,
  listCasesResponseSchema,
  uploadAttachmentQuerySchema,
} from '../../../shared/schemas/cases.js';
import { actorOf } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { actOnCaseWithDetail } from '../case-access/act-on-case.js';
import { EMPTY_DETAIL_PARTS, findVisibleCaseDetail, presentCaseDetail, presentCaseDetailFrom } from '../case-access/case-detail.js';
import { findCaseAttachment, listCases } from './cases.repository.js';
import { registerCase } from '../case-access/register-case.js';
import { readUploadedFile, UPLOAD_ROUTE_CONFIG } from '../../lib/uploaded-file.js';
import { uploadAttachment } from '../case-access/upload-attachment.js';
import { exportCases } from './export-cases.js';
import { XLSX_TYPE, attachmentName } from '../../lib/workbook.js';
import { hasPermission } from '../../../shared/permissions.js';
import { fileResponse } from '../../lib/openapi.js';
import { ATTACHMENT_MEDIA_TYPES, MEDIA_TYPES } from '../../lib/media-types.js';
import { idempotencyHeadersSchema, idParamsSchema } from '../../../shared/schemas/common.js';

export const casesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto, calendar: calendarCache } = app.deps;

  app.post(
    '/',
    {
      onRequest: [app.requirePermission('case.register')],
      schema: {
        operationId: 'createCase',
        tags: ['cases'],
        summary: '登记案件 Register a case from any channel',
        headers: idempotencyHeadersSchema,
        body: createCaseBodySchema,
        response: { 201: createCaseResponseSchema },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const idempotencyKey = request.headers['idempotency-key'];
      if (!idempotencyKey) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
      const calendar = await calendarCache.get();
      const { row, isReplay, recorded } = await registerCase({ db, crypto, calendar, actor, body: request.body, idempotencyKey });
      if (isReplay) reply.header('idempotent-replayed', 'true');
      else request.log.info({ caseId: row.id, code: row.code }, 'case registered');
      // A new case's detail is what was just written (nothing else can exist yet); a repeat's is read back.
      const detail = recorded
        ? presentCaseDetailFrom({ crypto, calendar }, actor, row, {
            ...EMPTY_DETAIL_PARTS,
            units: [recorded.place],
            clocks: recorded.clocks,
            parties: recorded.parties,
            events: recorded.events,
          })
        : await presentCaseDetail({ db, crypto, calendar }, actor, row);
      return reply.status(201).send(detail);
    },
  );

  app.get(
    '/',
    {
      onRequest: [app.requirePermission('case.list')],
      schema: { operationId: 'listCases', tags: ['cases'], querystring: listCasesQuerySchema, response: { 200: listCasesResponseSchema } },
    },
    async (request) => listCases({ db, crypto, calendar: await calendarCache.get(), actor: actorOf(request), query: request.query }),
  );

  app.get(
    '/export.xlsx',
    {
      onRequest: [app.requirePermission('case.export')],
      schema: {
        operationId: 'exportCases',
        tags: ['cases'],
        summary: '案件清单导出 Excel（筛选条件同列表；含当事人信息须有权限并逐人记录日志）',
        querystring: exportCasesQuerySchema,
        response: { 200: fileResponse({ description: '案件清单 (XLSX)', mediaTypes: [MEDIA_TYPES.xlsx] }) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { file } = await exportCases({
        db,
        crypto,
        calendar: await calendarCache.get(),
        actor,
        query: request.query,
        withParties: request.query.withParties === 'true',
        canExportPersonal: hasPermission(actor.role, 'case.exportPersonal'),
        requestId: request.id,
        ip: request.ip,
      });
      const day = shanghaiDate(new Date());
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', attachmentName(`案件清单-${day}.xlsx`))
        .header('cache-control', 'no-store')
        .send(file);
    },
  );

  app.get(
    '/:id',
    {
      onRequest: [app.requireActor],
      schema: { operationId: 'getCase', tags: ['cases'], params: idParamsSchema, response: { 200: caseDetailSchema } },
    },
    async (request) => {
      const actor = actorOf(request);
      const { row, parts } = await findVisibleCaseDetail({ db, actor, caseId: request.params.id });
      return presentCaseDetailFrom({ crypto, calendar: await calendarCache.get() }, actor, row, parts);
    },
  );

  app.post(
    '/:id/actions',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'actOnCase',
        tags: ['cases'],
        summary: '案件操作 Act on a case (accept, dispatch, conclude, …)',
        params: idParamsSchema,
        body: caseActionBodySchema,
        response: { 200: caseDetailSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const calendar = await calendarCache.get();
      const { row, parts } = await actOnCaseWithDetail({ db, calendar, actor, caseId: request.params.id, body: request.body });
      request.log.info({ caseId: row.id, action: request.body.action, status: row.status }, 'case action');
      return presentCaseDetailFrom({ crypto, calendar }, actor, row, parts);
    },
  );

  app.post(
    '/:id/attachments',
    {
      config: UPLOAD_ROUTE_CONFIG,
      onRequest: [app.requirePermission('case.attach')],
      schema: {
        operationId: 'uploadAttachment',
        tags: ['cases'],
        summary: '上传附件 (multipart/form-data, one file)',
        params: idParamsSchema,
        querystring: uploadAttachmentQuerySchema,
        response: { 201: attachmentSchema },
      },
    },
    async (request, reply) => {
      const { fileName, content } = await readUploadedFile(request);
      const created = await uploadAttachment({
        db,
        actor: actorOf(request),
        caseId: request.params.id,
        kind: request.query.kind as AttachmentKind,
        step: request.query.step,
        fileName,
        content,
      });
      return reply.status(201).send({
        id: created.id,
        kind: created.kind as AttachmentKind,
        fileName: created.fileName,
        mimeType: created.mimeType,
        size: created.size,
        createdAt: created.createdAt.toISOString(),
      });
    },
  );

  app.get(
    '/:id/attachments/:attachmentId',
    {
      onRequest: [app.requireActor],
      schema: {
        operationId: 'downloadAttachment',
        tags: ['cases'],
        params: attachmentParamsSchema,
        // The type read from the file's bytes at upload (shared/limits.ts ATTACHMENT_LIMITS).
        response: { 200: fileResponse({ description: 'The file as uploaded', mediaTypes: ATTACHMENT_MEDIA_TYPES }) },
      },
    },
    async (request, reply) => {
      const file = await findCaseAttachment({
        db,
        actor: actorOf(request),
        caseId: request.params.id,
        attachmentId: request.params.attachmentId,
      });
      return reply
        .type(file.mimeType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
        .header('x-content-type-options', 'nosniff')
        .send(file.content);
    },
  );
};
