import { z } from 'zod';
import { paragraph } from './text.js';
import { CASE_KINDS, CATEGORIES, CHANNELS } from '../enums.js';
import { CLOCK_STAGES, DAY_UNITS, DIFFICULTIES } from '../time-limits.js';

export const timeLimitInputSchema = z.object({
  priority: z.number().int().min(0).max(10_000).describe('Tried in ascending order; the first match applies'),
  stage: z.enum(CLOCK_STAGES),
  kind: z.enum(CASE_KINDS).nullable(),
  category: z.enum(CATEGORIES).nullable(),
  channel: z.enum(CHANNELS).nullable(),
  difficulty: z.enum(DIFFICULTIES).nullable(),
  days: z.number().int().min(1).max(3650),
  unit: z.enum(DAY_UNITS),
  maxExtensionDays: z.number().int().min(1).max(3650).nullable(),
  warnPercent: z.number().int().min(1).max(100),
  legalBasis: paragraph(500, { min: 2 }),
  isEnabled: z.boolean(),
});
export type TimeLimitInput = z.infer<typeof timeLimitInputSchema>;

export const timeLimitSchema = timeLimitInputSchema.extend({ id: z.string(), updatedAt: z.string() });
export type TimeLimit = z.infer<typeof timeLimitSchema>;

export const recomputeBodySchema = z.object({
  reason: paragraph(500, { min: 2 }).describe('Why running deadlines are being moved (kept in the admin log)'),
});

/** `GET /api/time-limits`: every time-limit rule of the district. */
export const timeLimitListSchema = z.object({ items: z.array(timeLimitSchema) });

/** `POST /api/time-limits/recompute`: how many open cases' deadlines were computed again. */
export const recomputedSchema = z.object({ recomputed: z.number() });
