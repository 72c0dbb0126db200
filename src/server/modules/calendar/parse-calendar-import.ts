import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { YearSchedule } from '../../../shared/calendar.js';
import { isIsoDate } from '../../../shared/calendar.js';
import { yearScheduleSchema } from '../../../shared/schemas/calendar.js';
import { AppError } from '../../plugins/errors.js';

const jsonImportSchema = z.object({ years: z.array(yearScheduleSchema).min(1).max(20) });

const KIND: Record<string, 'holiday' | 'workday'> = {
  holiday: 'holiday',
  workday: 'workday',
  休: 'holiday',
  班: 'workday',
  放假: 'holiday',
  上班: 'workday',
};

/**
 * Reads a calendar file: JSON `{ "years": [{ "year", "holidays": [{date,name}], "workdays": [...] }] }`, or CSV with a
 * header `date,kind,name` where kind is `holiday`/`workday` (or 休/班). Every year named in the file is replaced whole.
 */
export function parseCalendarImport(text: string): YearSchedule[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new AppError('CALENDAR_IMPORT_INVALID', { reason: 'JSON does not parse' });
    }
    const parsed = jsonImportSchema.safeParse(json);
    if (!parsed.success) throw new AppError('CALENDAR_IMPORT_INVALID', { issues: parsed.error.issues.slice(0, 5) });
    return parsed.data.years;
  }
  let rows: Record<string, string>[];
  try {
    rows = parse(trimmed, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true });
  } catch (err) {
    throw new AppError('CALENDAR_IMPORT_INVALID', { reason: (err as Error).message });
  }
  const byYear = new Map<number, { holidays: { date: string; name: string }[]; workdays: { date: string; name: string }[] }>();
  rows.forEach((row, i) => {
    const kind = KIND[row.kind ?? ''];
    if (!row.date || !isIsoDate(row.date) || !kind) throw new AppError('CALENDAR_IMPORT_INVALID', { line: i + 2, row });
    const year = Number(row.date.slice(0, 4));
    let e = byYear.get(year);
    if (!e) byYear.set(year, (e = { holidays: [], workdays: [] }));
    e[kind === 'holiday' ? 'holidays' : 'workdays'].push({
      date: row.date,
      name: row.name || (kind === 'holiday' ? '节假日' : '调休上班'),
    });
  });
  if (byYear.size === 0) throw new AppError('CALENDAR_IMPORT_INVALID', { reason: 'no rows' });
  return [...byYear.entries()].map(([year, e]) => ({ year, ...e }));
}
