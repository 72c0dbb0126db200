import { z } from 'zod';
import { line } from './text.js';
import { isIsoDate } from '../calendar.js';

// The pattern first: it refuses anything but digits and dashes (the text type's rule, by the format itself).
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'CALENDAR_DATE_INVALID')
  .refine(isIsoDate, { message: 'CALENDAR_DATE_INVALID' })
  .describe('YYYY-MM-DD (Asia/Shanghai)');

export const addWorkingDaysQuerySchema = z.object({
  from: isoDateSchema,
  days: z.coerce.number().int().min(0).max(3650),
});

export const workingDaysBetweenQuerySchema = z.object({ from: isoDateSchema, to: isoDateSchema });

export const dateResultSchema = z.object({
  date: z.string(),
  provisional: z.boolean().describe('true: a year on the way has no loaded schedule; weekends only were counted'),
});

export const countResultSchema = z.object({ days: z.number(), provisional: z.boolean() });

const dayEntrySchema = z.object({ date: isoDateSchema, name: line(40) });

export const yearScheduleSchema = z.object({
  year: z.number().int().min(2000).max(2100),
  holidays: z.array(dayEntrySchema).max(120),
  workdays: z.array(dayEntrySchema).max(60),
});
export type YearScheduleInput = z.infer<typeof yearScheduleSchema>;

export const putYearBodySchema = yearScheduleSchema.omit({ year: true });

export const yearSummarySchema = z.object({
  year: z.number(),
  source: z.string(),
  holidays: z.number(),
  workdays: z.number(),
  updatedAt: z.string(),
});

export const yearDetailSchema = yearScheduleSchema.extend({ source: z.string(), updatedAt: z.string() });
