import { z } from 'zod';
import { line, paragraph } from './text.js';
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

/** A year of the calendar: `/api/calendar/years/:year`. */
export const yearParamsSchema = z.object({ year: z.coerce.number().int().min(2000).max(2100) });

/** `GET /api/calendar/years`: the years loaded, with their source. */
export const yearSummaryListSchema = z.object({ items: z.array(yearSummarySchema) });

/** `POST /api/calendar/import`: a file's text, JSON ({"years":[…]}) or CSV (date,kind,name), and its name. */
export const importCalendarBodySchema = z.object({ content: paragraph(1_000_000), fileName: line(200, { min: 0 }).optional() });

/** The years an import replaced. */
export const importedYearsSchema = z.object({ years: z.array(z.number()) });

/** `GET /api/calendar/is-working-day`: the date asked about. */
export const isWorkingDayQuerySchema = z.object({ date: isoDateSchema });

/** Whether that date is a working day, and whether the year's schedule is still provisional (not yet published). */
export const workingDaySchema = z.object({ working: z.boolean(), provisional: z.boolean() });
