import { z } from 'zod';
import { ROLES } from '../enums.js';

export const loginBodySchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const meSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  unit: z.object({ id: z.string(), code: z.string(), name: z.string(), kind: z.string() }),
  districtCode: z.string(),
  /** What the UI may show: menu entries and entity-level actions. */
  permissions: z.array(z.string()),
});
export type Me = z.infer<typeof meSchema>;
