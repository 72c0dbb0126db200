import type { z } from 'zod';
import type { dateResultSchema, putYearBodySchema, yearDetailSchema, yearSummarySchema } from '../../../../shared/schemas/calendar.js';
import { api } from '../../../app/api.js';

// 节假日安排's requests and the deadline calculator's (src/server/modules/calendar/calendar.routes.ts), named after their
// operationIds.

export type YearSummary = z.infer<typeof yearSummarySchema>;
export type YearDetail = z.infer<typeof yearDetailSchema>;
export type DateResult = z.infer<typeof dateResultSchema>;

/** `GET /api/calendar/years` (listCalendarYears): the years loaded, with their source. */
export function listCalendarYears(): Promise<{ items: YearSummary[] }> {
  return api('/api/calendar/years');
}

/** `GET /api/calendar/years/{year}` (getCalendarYear): one year's holidays and working weekends. */
export function getCalendarYear(year: number): Promise<YearDetail> {
  return api(`/api/calendar/years/${year}`);
}

/** `PUT /api/calendar/years/{year}` (putCalendarYear): one year replaced whole (logged). */
export function putCalendarYear(year: number, body: z.input<typeof putYearBodySchema>): Promise<YearDetail> {
  return api(`/api/calendar/years/${year}`, { method: 'PUT', json: body });
}

/** `POST /api/calendar/import` (importCalendar): years from a JSON or CSV file's text; each year named is replaced whole. */
export function importCalendar(body: { content: string; fileName?: string }): Promise<{ years: number[] }> {
  return api('/api/calendar/import', { method: 'POST', json: body });
}

/** `GET /api/calendar/add-working-days` (addWorkingDays): the date N working days after `from` (YYYY-MM-DD). */
export function addWorkingDays(from: string, days: number): Promise<DateResult> {
  return api(`/api/calendar/add-working-days?from=${from}&days=${days}`);
}

/** `GET /api/calendar/add-calendar-days` (addCalendarDays): N days after `from`, a last day on a holiday moved to the next working day. */
export function addCalendarDays(from: string, days: number): Promise<DateResult> {
  return api(`/api/calendar/add-calendar-days?from=${from}&days=${days}`);
}
