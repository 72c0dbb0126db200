import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { importMappingSchema, importQuerySchema, importResultSchema, type ImportMapping } from '../../../shared/schemas/imports.js';
import { stripForbiddenCharacters } from '../../../shared/schemas/text.js';
import { UPLOAD_ROUTE_CONFIG } from '../../lib/uploaded-file.js';
import { actorOf } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { importCases } from './import-cases.js';
import { readTable } from './read-table.js';

/** `/api/imports`: bringing an older system's case records in (admin). */
export const importsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, crypto } = app.deps;
  app.post(
    '/cases',
    {
      config: UPLOAD_ROUTE_CONFIG,
      onRequest: [app.requirePermission('case.import')],
      schema: {
        operationId: 'importCases',
        tags: ['imports'],
        summary:
          '导入原系统案件（multipart/form-data：可选字段 mapping 为列与取值对应的 JSON，随后一个 .xlsx 或 .csv 文件）；dryRun=true 只检查，否则导入 offset 起 limit 行',
        querystring: importQuerySchema,
        response: { 200: importResultSchema },
      },
    },
    async (request) => {
      let mappingText: string | undefined;
      let file: { fileName: string; content: Buffer } | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file')
            file = { fileName: stripForbiddenCharacters(part.filename, 200) || 'file', content: await part.toBuffer() };
          else if (part.fieldname === 'mapping') mappingText = String(part.value);
        }
      } catch (err) {
        throw new AppError((err as { statusCode?: number }).statusCode === 413 ? 'ATTACHMENT_TOO_LARGE' : 'MULTIPART_INVALID');
      }
      if (!file) throw new AppError('VALIDATION_FAILED', { file: 'missing' });
      let mapping: ImportMapping = { columns: {}, values: {} };
      if (mappingText) {
        let json: unknown;
        try {
          json = JSON.parse(mappingText);
        } catch {
          throw new AppError('VALIDATION_FAILED', { mapping: 'not JSON' });
        }
        const parsed = importMappingSchema.safeParse(json);
        if (!parsed.success) throw new AppError('VALIDATION_FAILED', { mapping: parsed.error.issues.slice(0, 5) });
        mapping = parsed.data;
      }
      const { dryRun, offset, limit } = request.query;
      const result = await importCases({
        db,
        crypto,
        actor: actorOf(request),
        table: await readTable(file.content),
        mapping,
        fileName: file.fileName,
        dryRun: dryRun === 'true',
        offset,
        limit,
      });
      if (dryRun === 'false' && result.missingColumns.length)
        throw new AppError('IMPORT_MAPPING_INCOMPLETE', { missing: result.missingColumns });
      const { missingColumns: _missing, ...answer } = result;
      return answer;
    },
  );
};
