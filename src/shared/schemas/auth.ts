import { z } from 'zod';
import { ROLES } from '../enums.js';
import { line, secret } from './text.js';

export const loginBodySchema = z.object({
  username: line(64),
  password: secret(256),
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

/** `GET /api/auth/session`: who is signed in, or null. */
export const authSessionSchema = z.object({ me: meSchema.nullable() });
