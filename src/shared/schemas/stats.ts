import { z } from 'zod';
import { CASE_KINDS, CATEGORIES, CHANNELS } from '../enums.js';
import { MEASURE_KEYS, RATE_KEYS, TREND_GRAINS, type Measure } from '../indicators.js';

/** Live figures of the moment (not of a period, except `urged`), counted from the cases as they stand. */
export const LIVE_FIGURES = ['open', 'overdue', 'massRisk', 'openPackages', 'urged', 'cameraAlerts'] as const;
export type LiveFigure = (typeof LIVE_FIGURES)[number];

/** What a drill-down can list: a counted measure of the period, or a live figure that is about cases. */
export const FIGURES = [...MEASURE_KEYS, 'open', 'overdue', 'massRisk', 'urged'] as const;
export type Figure = Measure | 'open' | 'overdue' | 'massRisk' | 'urged';

export const cockpitQuerySchema = z.object({
  from: z.string().date().describe('First day of the period (Asia/Shanghai)'),
  to: z.string().date().describe('Last day of the period (Asia/Shanghai), included'),
  unitId: z
    .string()
    .uuid()
    .optional()
    .describe('The unit whose area is shown (default: the viewer’s own); must lie in the viewer’s jurisdiction'),
  kind: z.enum(CASE_KINDS).optional(),
  grain: z.enum(TREND_GRAINS).default('month'),
});
export type CockpitQuery = z.infer<typeof cockpitQuerySchema>;

const counts = z.object(Object.fromEntries(MEASURE_KEYS.map((k) => [k, z.number()])) as Record<Measure, z.ZodNumber>);
const rates = z.object(
  Object.fromEntries(RATE_KEYS.map((k) => [k, z.number().nullable()])) as Record<(typeof RATE_KEYS)[number], z.ZodNullable<z.ZodNumber>>,
);

const unitRow = z.object({
  unitId: z.string().nullable().describe('null: cases placed at the chosen unit itself (本级)'),
  unitName: z.string(),
  counts,
  rates,
});

export const cockpitSchema = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  unit: z.object({ id: z.string(), name: z.string(), kind: z.string() }),
  counts,
  rates,
  live: z.object(Object.fromEntries(LIVE_FIGURES.map((k) => [k, z.number()])) as Record<LiveFigure, z.ZodNumber>),
  byChannel: z.array(z.object({ key: z.enum(CHANNELS), received: z.number() })),
  byKind: z.array(z.object({ key: z.enum(CASE_KINDS), received: z.number() })),
  byCategory: z.array(z.object({ key: z.enum(CATEGORIES), received: z.number(), concluded: z.number(), settled: z.number() })),
  byUnit: z.array(unitRow).describe('The chosen unit’s children (streets of a district, communities of a street…)'),
  hotspots: z.array(
    z.object({ unitId: z.string(), unitName: z.string(), unitKind: z.string(), parentName: z.string().nullable(), received: z.number() }),
  ),
  trend: z.array(
    z.object({
      bucket: z.string().describe('Monday of the ISO week, or first day of the month'),
      received: z.number(),
      concluded: z.number(),
      settled: z.number(),
    }),
  ),
  routingAcceptance: z
    .object({
      shown: z.number().describe('Routing suggestions staff of the area were shown in the period (routing_feedback rows)'),
      accepted: z.number().describe('Of those, the ones they took'),
      rate: z.number().nullable().describe('accepted / shown in percent, one decimal; null when none was shown'),
    })
    .describe('智能分类建议采纳率: by the staff whose unit lies under the chosen unit (feedback has no case), of every kind'),
  generatedAt: z.string(),
});
export type Cockpit = z.infer<typeof cockpitSchema>;

/** 人民调解 monthly statistics: one row per dispute category (local statistics practice, docs/LEGAL-BASIS.md §3). */
export const mediationFormQuerySchema = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM'),
  unitId: z.string().uuid().optional(),
});
export const mediationFormSchema = z.object({
  month: z.string(),
  unit: z.object({ id: z.string(), name: z.string() }),
  rows: z.array(
    z.object({
      category: z.enum(CATEGORIES),
      received: z.number(),
      concluded: z.number(),
      agreements: z.number(),
      settled: z.number(),
      levelVillage: z.number(),
      levelTown: z.number(),
      levelDistrict: z.number(),
    }),
  ),
});
export type MediationForm = z.infer<typeof mediationFormSchema>;
