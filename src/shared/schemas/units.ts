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
