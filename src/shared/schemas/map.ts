import { z } from 'zod';
import { line } from './text.js';
import { CASE_STATUSES } from '../case-lifecycle.js';
import { CATEGORIES, RISK_LEVELS } from '../enums.js';

/** A WGS84 position [longitude, latitude] (GeoJSON order). China lies well inside these bounds. */
const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number());
/** A closed ring: at least four positions, the last equal to the first (RFC 7946 §3.1.6). */
const ring = z
  .array(position)
  .min(4)
  .refine((r) => r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1], { message: '多边形的边界必须首尾闭合' });

/** A unit's area: GeoJSON Polygon or MultiPolygon. */
export const unitBoundarySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) }),
]);
export type UnitBoundary = z.infer<typeof unitBoundarySchema>;

/** What an admin imports: a FeatureCollection whose features name their unit by code (`properties.code`). */
export const boundaryImportSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z
    .array(
      z.object({
        type: z.literal('Feature'),
        properties: z.object({ code: line(40) }).passthrough(),
        geometry: unitBoundarySchema,
      }),
    )
    .min(1)
    .max(5000),
});
export type BoundaryImport = z.infer<typeof boundaryImportSchema>;

export const boundaryImportResultSchema = z.object({
  updated: z.number(),
  unknownCodes: z.array(z.string()).describe('Codes in the file that name no unit of the district (nothing was changed for them)'),
});
export type BoundaryImportResult = z.infer<typeof boundaryImportResultSchema>;

export const mapQuerySchema = z.object({
  unitId: z.string().uuid().optional(),
  from: z.string().date(),
  to: z.string().date(),
});
export type MapQuery = z.infer<typeof mapQuerySchema>;
/** A unit's card (the unit in the path, `idParamsSchema`): the period in the query. */
export const mapUnitQuerySchema = mapQuerySchema.omit({ unitId: true });

/** A grid's (or any unit's) card on the map: its figures of the period and its grid workers. */
export const mapUnitSchema = z.object({
  unit: z.object({ id: z.string(), code: z.string(), name: z.string(), kind: z.string() }),
  received: z.number(),
  concluded: z.number(),
  settlementRate: z.number().nullable(),
  open: z.number(),
  overdue: z.number(),
  gridWorkers: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type MapUnit = z.infer<typeof mapUnitSchema>;

/** The map's layers for the viewer's jurisdiction. */
export const mapLayersSchema = z.object({
  boundaries: z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        properties: z.object({
          id: z.string(),
          code: z.string(),
          name: z.string(),
          kind: z.string(),
          source: z.enum(['demo', 'imported']),
        }),
        geometry: unitBoundarySchema,
      }),
    ),
  }),
  isDemoGeometry: z.boolean().describe('true when any boundary is the demo’s invented geometry'),
  cases: z.array(
    z.object({
      id: z.string(),
      code: z.string(),
      lat: z.number(),
      lng: z.number(),
      status: z.enum(CASE_STATUSES),
      riskLevel: z.enum(RISK_LEVELS),
      category: z.enum(CATEGORIES),
      summary: z.string(),
      isPositionApproximate: z.boolean().describe('true: no GPS position was given; the point is the centre of the case’s place unit'),
    }),
  ),
  isCasesCapped: z.boolean(),
});
export type MapLayers = z.infer<typeof mapLayersSchema>;

/**
 * `POST /api/map/boundaries`: any JSON, checked against `boundaryImportSchema` by the route itself, so that a survey
 * file that is not a FeatureCollection of units is refused with BOUNDARY_IMPORT_INVALID and the feature at fault.
 */
export const boundaryImportBodySchema = z.unknown();
