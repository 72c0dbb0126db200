import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  boundaryImportBodySchema,
  boundaryImportResultSchema,
  boundaryImportSchema,
  mapLayersSchema,
  mapQuerySchema,
  mapUnitQuerySchema,
  mapUnitSchema,
} from '../../../shared/schemas/map.js';
import { actorOf } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { importBoundaries, readMapLayers, readMapUnit } from './map.repository.js';
import { idParamsSchema } from '../../../shared/schemas/common.js';

/** 态势地图: the district drawn from its own data (no tile server): boundaries, cases, and a unit's card. */
export const mapRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get(
    '/layers',
    {
      onRequest: [app.requirePermission('stats.view')],
      schema: {
        operationId: 'readMapLayers',
        tags: ['map'],
        summary: '态势地图图层：辖区内街道、社区、网格边界（GeoJSON）与本期案件点位',
        querystring: mapQuerySchema,
        response: { 200: mapLayersSchema },
      },
    },
    async (request) => readMapLayers({ db, actor: actorOf(request), query: request.query }),
  );

  app.get(
    '/units/:id',
    {
      onRequest: [app.requirePermission('stats.view')],
      schema: {
        operationId: 'readMapUnit',
        tags: ['map'],
        summary: '点击网格：本期数据与网格员',
        params: idParamsSchema,
        querystring: mapUnitQuerySchema,
        response: { 200: mapUnitSchema },
      },
    },
    async (request) =>
      readMapUnit({ db, actor: actorOf(request), unitId: request.params.id, from: request.query.from, to: request.query.to }),
  );

  app.post(
    '/boundaries',
    {
      onRequest: [app.requirePermission('map.editBoundaries')],
      // Survey GeoJSON of a district's few hundred units runs to megabytes.
      bodyLimit: 50 * 1024 * 1024,
      schema: {
        operationId: 'importBoundaries',
        tags: ['map'],
        summary: '导入单位/网格边界（GeoJSON FeatureCollection，properties.code 为单位代码）',
        body: boundaryImportBodySchema,
        response: { 200: boundaryImportResultSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const parsed = boundaryImportSchema.safeParse(request.body);
      if (!parsed.success)
        throw new AppError('BOUNDARY_IMPORT_INVALID', {
          issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
        });
      return importBoundaries({ db, actor, features: parsed.data.features });
    },
  );
};
