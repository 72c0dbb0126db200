import { z } from 'zod';
import { ROLES, UNIT_KINDS } from '../enums.js';

export const unitSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  code: z.string(),
  name: z.string(),
  kind: z.enum(UNIT_KINDS),
  depth: z.number(),
});
export type Unit = z.infer<typeof unitSchema>;

export const staffSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  unitId: z.string(),
});
export type Staff = z.infer<typeof staffSchema>;

/** `GET /api/units`: the district's units. */
export const unitListSchema = z.object({ items: z.array(unitSchema) });

/** A unit's staff: `/api/units/:unitId/staff`. */
export const unitParamsSchema = z.object({ unitId: z.string().uuid() });

/** `GET /api/units/:unitId/staff`: the unit's staff. */
export const staffListSchema = z.object({ items: z.array(staffSchema) });
