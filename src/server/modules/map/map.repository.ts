import { and, desc, eq, gte, inArray, isNotNull, like, lt, sql } from 'drizzle-orm';
import { addDays, startOfShanghaiDate } from '../../../shared/calendar.js';
import type { BoundaryImport, BoundaryImportResult, MapLayers, MapQuery, MapUnit, UnitBoundary } from '../../../shared/schemas/map.js';
import type { Db } from '../../db/client.js';
import { adminLog, cases, units, users } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
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

/** The map's layers: the drawn units' boundaries under the chosen unit and the newest cases of the period placed in them. */
export async function readMapLayers({ db, actor, query: q }: { db: Db; actor: Actor; query: MapQuery }): Promise<MapLayers> {
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

/** A unit's card: its figures of the period (the cockpit's, so both always agree) and its grid workers. */
export async function readMapUnit({
  db,
  actor,
  unitId,
  from,
  to,
}: {
  db: Db;
  actor: Actor;
  unitId: string;
  from: string;
  to: string;
}): Promise<MapUnit> {
  const c = await readCockpit({ db, actor, query: { from, to, unitId, grain: 'month' } });
  const workers = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(
      and(
        eq(users.districtCode, actor.districtCode),
        eq(users.unitId, unitId),
        eq(users.role, 'grid_worker'),
        sql`${users.disabledAt} is null`,
      ),
    );
  const [u] = await db
    .select({ code: units.code })
    .from(units)
    .where(and(eq(units.districtCode, actor.districtCode), eq(units.id, unitId)));
  return {
    unit: { id: c.unit.id, code: u!.code, name: c.unit.name, kind: c.unit.kind },
    received: c.counts.received,
    concluded: c.counts.concluded,
    settlementRate: c.rates.settlementRate,
    open: c.live.open,
    overdue: c.live.overdue,
    gridWorkers: workers,
  };
}

/** Boundaries by unit code, all in one transaction with its log row; codes naming no unit of the district are reported back. */
export async function importBoundaries({
  db,
  actor,
  features,
}: {
  db: Db;
  actor: Actor;
  features: BoundaryImport['features'];
}): Promise<BoundaryImportResult> {
  const unknownCodes: string[] = [];
  let updated = 0;
  await db.transaction(async (tx) => {
    for (const f of features) {
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
}
