import { and, desc, eq, gte, inArray, isNotNull, like, lt, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addDays, startOfShanghaiDate } from '../../../shared/calendar.js';
import {
  boundaryImportResultSchema,
  boundaryImportSchema,
  mapLayersSchema,
  mapQuerySchema,
  mapUnitSchema,
  type MapLayers,
  type UnitBoundary,
} from '../../../shared/schemas/map.js';
import type { Db } from '../../db/client.js';
import { adminLog, cases, units, users } from '../../db/schema.js';
import { actorOf, type Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { readCockpit, unitInJurisdiction } from '../stats/indicators.js';

/** At most this many case points are drawn (the newest); the map says when more exist. */
export const MAP_CASES_MAX = 3000;
const DRAWN_KINDS = ['street', 'community', 'grid'] as const;

/** The mean of a boundary's outer ring: where a case without a GPS position is drawn. */
function centreOf(b: UnitBoundary): [number, number] {
  const ring = b.type === 'Polygon' ? b.coordinates[0]! : b.coordinates[0]![0]!;
  const pts = ring.slice(0, -1);
  return [pts.reduce((s, p) => s + p[0]!, 0) / pts.length, pts.reduce((s, p) => s + p[1]!, 0) / pts.length];
}

/** A small offset from the case id, so cases of one unit do not stack on one pixel. */
function jitter(id: string): [number, number] {
  const a = parseInt(id.slice(0, 4), 16) / 0xffff - 0.5;
  const b = parseInt(id.slice(4, 8), 16) / 0xffff - 0.5;
  return [a * 0.004, b * 0.003];
}

async function readLayers(db: Db, actor: Actor, q: z.infer<typeof mapQuerySchema>): Promise<MapLayers> {
  const unit = await unitInJurisdiction(db, actor, q.unitId);
  const d = actor.districtCode;
  const drawn = await db
    .select({ id: units.id, code: units.code, name: units.name, kind: units.kind, boundary: units.boundary, source: units.boundarySource })
    .from(units)
    .where(
      and(eq(units.districtCode, d), like(units.path, `${unit.path}%`), inArray(units.kind, [...DRAWN_KINDS]), isNotNull(units.boundary)),
    );
  const byId = new Map(drawn.map((u) => [u.id, u]));
  const rows = await db
    .select({
      id: cases.id,
      code: cases.code,
      status: cases.status,
      riskLevel: cases.riskLevel,
      category: cases.category,
      summary: cases.summary,
      lat: cases.placeLat,
      lng: cases.placeLng,
      unitId: cases.unitId,
    })
    .from(cases)
    .where(
      and(
        eq(cases.districtCode, d),
        like(cases.unitPath, `${unit.path}%`),
        gte(cases.createdAt, startOfShanghaiDate(q.from)),
        lt(cases.createdAt, startOfShanghaiDate(addDays(q.to, 1))),
      ),
    )
    .orderBy(desc(cases.createdAt))
    .limit(MAP_CASES_MAX + 1);
  const points: MapLayers['cases'] = [];
  for (const r of rows.slice(0, MAP_CASES_MAX)) {
    if (r.lat !== null && r.lng !== null) {
      points.push({
        id: r.id,
        code: r.code,
        lat: r.lat,
        lng: r.lng,
        status: r.status,
        riskLevel: r.riskLevel,
        category: r.category,
        summary: r.summary,
        isPositionApproximate: false,
      });
      continue;
    }
    const place = byId.get(r.unitId);
    if (!place?.boundary) continue;
    const [x, y] = centreOf(place.boundary);
    const [dx, dy] = jitter(r.id);
    points.push({
      id: r.id,
      code: r.code,
      lat: y + dy,
      lng: x + dx,
      status: r.status,
      riskLevel: r.riskLevel,
      category: r.category,
      summary: r.summary,
      isPositionApproximate: true,
    });
  }
  return {
    boundaries: {
      type: 'FeatureCollection',
      features: drawn.map((u) => ({
        type: 'Feature',
        properties: { id: u.id, code: u.code, name: u.name, kind: u.kind, source: u.source ?? 'imported' },
        geometry: u.boundary!,
      })),
    },
    isDemoGeometry: drawn.some((u) => u.source === 'demo'),
    cases: points,
    isCasesCapped: rows.length > MAP_CASES_MAX,
  };
}

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
    async (request) => readLayers(db, actorOf(request), request.query),
  );

  app.get(
    '/units/:id',
    {
      onRequest: [app.requirePermission('stats.view')],
      schema: {
        operationId: 'readMapUnit',
        tags: ['map'],
        summary: '点击网格：本期数据与网格员',
        params: z.object({ id: z.string().uuid() }),
        querystring: mapQuerySchema.omit({ unitId: true }),
        response: { 200: mapUnitSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const c = await readCockpit({
        db,
        actor,
        query: { from: request.query.from, to: request.query.to, unitId: request.params.id, grain: 'month' },
      });
      const workers = await db
        .select({ id: users.id, name: users.displayName })
        .from(users)
        .where(
          and(
            eq(users.districtCode, actor.districtCode),
            eq(users.unitId, request.params.id),
            eq(users.role, 'grid_worker'),
            sql`${users.disabledAt} is null`,
          ),
        );
      const [u] = await db
        .select({ code: units.code })
        .from(units)
        .where(and(eq(units.districtCode, actor.districtCode), eq(units.id, request.params.id)));
      return {
        unit: { id: c.unit.id, code: u!.code, name: c.unit.name, kind: c.unit.kind },
        received: c.counts.received,
        concluded: c.counts.concluded,
        settlementRate: c.rates.settlementRate,
        open: c.live.open,
        overdue: c.live.overdue,
        gridWorkers: workers,
      };
    },
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
        body: z.unknown(),
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
      const unknownCodes: string[] = [];
      let updated = 0;
      await db.transaction(async (tx) => {
        for (const f of parsed.data.features) {
          const rows = await tx
            .update(units)
            .set({ boundary: f.geometry, boundarySource: 'imported' })
            .where(and(eq(units.districtCode, actor.districtCode), eq(units.code, f.properties.code)))
            .returning({ id: units.id });
          if (rows.length) updated++;
          else unknownCodes.push(f.properties.code);
        }
        await tx.insert(adminLog).values({
          districtCode: actor.districtCode,
          actorId: actor.id,
          action: 'map.importBoundaries',
          entity: 'units',
          data: { updated, unknownCodes },
        });
      });
      return { updated, unknownCodes };
    },
  );
};
