import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Role, UnitKind } from '../../../shared/enums.js';
import { staffListSchema, unitListSchema, unitParamsSchema } from '../../../shared/schemas/units.js';
import { actorOf } from '../../plugins/auth.js';
import { listStaffOfUnit, listUnits } from './units.repository.js';

export const unitsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get(
    '/units',
    {
      onRequest: [app.requirePermission('unit.list')],
      schema: { operationId: 'listUnits', tags: ['units'], response: { 200: unitListSchema } },
    },
    async (request) => {
      const rows = await listUnits(db, actorOf(request).districtCode);
      return {
        items: rows.map((u) => ({ id: u.id, parentId: u.parentId, code: u.code, name: u.name, kind: u.kind as UnitKind, depth: u.depth })),
      };
    },
  );

  app.get(
    '/units/:unitId/staff',
    {
      onRequest: [app.requirePermission('unit.list')],
      schema: {
        operationId: 'listUnitStaff',
        tags: ['units'],
        params: unitParamsSchema,
        response: { 200: staffListSchema },
      },
    },
    async (request) => {
      const rows = await listStaffOfUnit(db, actorOf(request).districtCode, request.params.unitId);
      return { items: rows.map((r) => ({ ...r, role: r.role as Role })) };
    },
  );
};
