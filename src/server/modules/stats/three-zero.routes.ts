import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  assessedUnitInputSchema,
  threeZeroBoardSchema,
  threeZeroFiguresInputSchema,
  threeZeroImportResultSchema,
  threeZeroQuerySchema,
  threeZeroTargetsInputSchema,
  threeZeroVillagesAddedSchema,
  threeZeroCreatedSchema,
  threeZeroFiguresParamsSchema,
} from '../../../shared/schemas/three-zero.js';
import { actorOf } from '../../plugins/auth.js';
import { readUploadedFile, UPLOAD_ROUTE_CONFIG } from '../../lib/uploaded-file.js';
import {
  addAssessedUnit,
  addAssessedVillages,
  enterThreeZeroFigures,
  importThreeZeroFigures,
  readScopeName,
  readThreeZeroBoard,
  setThreeZeroTargets,
} from './three-zero.repository.js';
import { threeZeroSheets } from './three-zero-workbook.js';
import { XLSX_TYPE, attachmentName, buildWorkbook } from '../../lib/workbook.js';
import { fileResponse } from '../../lib/openapi.js';
import { MEDIA_TYPES } from '../../lib/media-types.js';
import { noContentSchema } from '../../../shared/schemas/common.js';

export const threeZeroRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, readDb } = app.deps;
  // The board and its export read from the replica when there is one (DATABASE_READ_URL); entering figures writes.
  const reader = readDb ?? db;

  app.get(
    '/',
    {
      onRequest: [app.requirePermission('stats.view')],
      schema: {
        operationId: 'readThreeZeroBoard',
        tags: ['stats'],
        summary: '“三零”创建看板',
        querystring: threeZeroQuerySchema,
        response: { 200: threeZeroBoardSchema },
      },
    },
    async (request) => readThreeZeroBoard({ db: reader, actor: actorOf(request), year: request.query.year }),
  );

  app.get(
    '/export.xlsx',
    {
      onRequest: [app.requirePermission('stats.view')],
      schema: {
        operationId: 'exportThreeZeroBoard',
        tags: ['stats'],
        summary: '“三零”创建看板导出 Excel（达标情况与各创建单位，可填写后导入）',
        querystring: threeZeroQuerySchema,
        response: { 200: fileResponse({ description: '“三零”创建看板 (XLSX)', mediaTypes: [MEDIA_TYPES.xlsx] }) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const [board, scopeName] = await Promise.all([
        readThreeZeroBoard({ db: reader, actor, year: request.query.year }),
        readScopeName({ db, actor }),
      ]);
      const file = await buildWorkbook(threeZeroSheets(board, scopeName));
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', attachmentName(`三零创建-${scopeName}-${board.year}.xlsx`))
        .header('cache-control', 'no-store')
        .send(file);
    },
  );

  app.post(
    '/figures/:year/import',
    {
      config: UPLOAD_ROUTE_CONFIG,
      onRequest: [app.requirePermission('threeZero.edit')],
      schema: {
        operationId: 'importThreeZeroFigures',
        tags: ['stats'],
        summary: '从 Excel 导入事故数、案件数和来源（multipart/form-data，一个 .xlsx；全部正确才导入）',
        params: threeZeroQuerySchema,
        response: { 200: threeZeroImportResultSchema },
      },
    },
    async (request) => {
      const { fileName, content } = await readUploadedFile(request);
      return importThreeZeroFigures({ db, actor: actorOf(request), year: request.params.year, fileName, content });
    },
  );

  app.post(
    '/units',
    {
      onRequest: [app.requirePermission('threeZero.edit')],
      schema: {
        operationId: 'addAssessedUnit',
        tags: ['stats'],
        summary: '添加创建单位',
        body: assessedUnitInputSchema,
        response: { 201: threeZeroCreatedSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await addAssessedUnit({ db, actor: actorOf(request), unit: request.body })),
  );

  app.post(
    '/units/from-tree',
    {
      onRequest: [app.requirePermission('threeZero.edit')],
      schema: {
        operationId: 'addAssessedVillages',
        tags: ['stats'],
        summary: '把辖区内全部村(社区)加为创建单位',
        response: { 200: threeZeroVillagesAddedSchema },
      },
    },
    async (request) => addAssessedVillages({ db, actor: actorOf(request) }),
  );

  app.put(
    '/units/:id/figures/:year',
    {
      onRequest: [app.requirePermission('threeZero.edit')],
      schema: {
        operationId: 'enterThreeZeroFigures',
        tags: ['stats'],
        summary: '填报安全事故与刑事/重大治安案件数（注明来源，记录填报人）',
        params: threeZeroFiguresParamsSchema,
        body: threeZeroFiguresInputSchema,
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      const { id, year } = request.params;
      await enterThreeZeroFigures({ db, actor: actorOf(request), assessedUnitId: id, year, figures: request.body });
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/targets/:year',
    {
      onRequest: [app.requirePermission('threeZero.edit')],
      schema: {
        operationId: 'setThreeZeroTargets',
        tags: ['stats'],
        summary: '设置年度达标率目标（%）',
        params: threeZeroQuerySchema,
        body: threeZeroTargetsInputSchema,
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      await setThreeZeroTargets({ db, actor: actorOf(request), year: request.params.year, targets: request.body });
      return reply.status(204).send(null);
    },
  );
};
