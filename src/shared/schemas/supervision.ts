import { z } from 'zod';
import { urgeSchema } from './cases.js';
import { pageQuerySchema } from './common.js';

/** `GET /api/urges`: which box (waiting for my unit's answer, or issued by me), open only or all, and the page. */
export const listUrgesQuerySchema = z.object({
  box: z.enum(['received', 'issued']).default('received'),
  status: z.enum(['open', 'all']).default('open'),
  ...pageQuerySchema.shape,
});
export type ListUrgesQuery = z.infer<typeof listUrgesQuerySchema>;

/** An urge with its case's code and summary, as the urges list shows it. */
export const urgeRowSchema = urgeSchema.extend({ caseCode: z.string(), caseSummary: z.string() });
export type UrgeRow = z.infer<typeof urgeRowSchema>;

/** `GET /api/urges`: a page of urges and how many there are in all. */
export const urgeListSchema = z.object({ items: z.array(urgeRowSchema), total: z.number(), page: z.number(), pageSize: z.number() });
export type UrgeList = z.infer<typeof urgeListSchema>;

/** `GET /api/reports/three-failures`: the period, as Asia/Shanghai dates. */
export const threeFailuresQuerySchema = z.object({ from: z.string().date(), to: z.string().date() });

/** One holding unit's row of 三个未: its cases in the period, and how many were not accepted, not handled, not lawful. */
export const threeFailuresRowSchema = z.object({
  unitId: z.string(),
  unitName: z.string(),
  cases: z.number(),
  notAccepted: z.number(),
  notHandled: z.number(),
  unlawful: z.number(),
});
export type ThreeFailuresRow = z.infer<typeof threeFailuresRowSchema>;

/** `GET /api/reports/three-failures`: the centre's today and one row per holding unit. */
export const threeFailuresReportSchema = z.object({ today: z.string(), rows: z.array(threeFailuresRowSchema) });
export type ThreeFailuresReport = z.infer<typeof threeFailuresReportSchema>;
