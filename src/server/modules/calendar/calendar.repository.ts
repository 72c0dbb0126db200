import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { YearSchedule } from '../../../shared/calendar.js';
import type { Db, Tx } from '../../db/client.js';
import { calendarDays, calendarYears } from '../../db/schema.js';
import { AppError } from '../../plugins/errors.js';
import { BUILT_IN_CALENDAR_SOURCE, builtInYearSchedules } from './built-in-calendar.js';

/** Every loaded year's schedule, for the in-memory calendar. */
export async function loadYearSchedules(db: Db): Promise<YearSchedule[]> {
  const [years, days] = await Promise.all([
    db.select({ year: calendarYears.year }).from(calendarYears),
    db.select().from(calendarDays).orderBy(asc(calendarDays.date)),
  ]);
  const byYear = new Map<number, YearSchedule & { holidays: { date: string; name: string }[]; workdays: { date: string; name: string }[] }>(
    years.map((y) => [y.year, { year: y.year, holidays: [], workdays: [] }]),
  );
  for (const d of days) byYear.get(d.year)?.[d.kind === 'holiday' ? 'holidays' : 'workdays'].push({ date: d.date, name: d.name });
  return [...byYear.values()];
}

export async function listCalendarYears(db: Db) {
  return db
    .select({
      year: calendarYears.year,
      source: calendarYears.source,
      updatedAt: calendarYears.updatedAt,
      holidays: sql<number>`count(*) filter (where ${calendarDays.kind} = 'holiday')::int`,
      workdays: sql<number>`count(*) filter (where ${calendarDays.kind} = 'workday')::int`,
    })
    .from(calendarYears)
    .leftJoin(calendarDays, eq(calendarDays.year, calendarYears.year))
    .groupBy(calendarYears.year)
    .orderBy(asc(calendarYears.year));
}

/** Checks a schedule before it is stored: dates inside the year, none twice, none both off and on. */
export function checkYearSchedule(s: YearSchedule): void {
  const seen = new Set<string>();
  for (const d of [...s.holidays, ...s.workdays]) {
    if (!d.date.startsWith(`${s.year}-`)) throw new AppError('CALENDAR_DATE_OUTSIDE_YEAR', { year: s.year, date: d.date });
    if (seen.has(d.date)) throw new AppError('CALENDAR_DATE_DUPLICATED', { date: d.date });
    seen.add(d.date);
  }
}

/** Replaces the schedules of the given years, whole, in the caller's transaction. */
export async function replaceYearSchedules(tx: Tx, schedules: readonly YearSchedule[], meta: { source: string; actorId: string | null }) {
  for (const s of schedules) checkYearSchedule(s);
  const years = schedules.map((s) => s.year);
  if (years.length === 0) return;
  await tx.delete(calendarDays).where(inArray(calendarDays.year, years));
  await tx
    .insert(calendarYears)
    .values(schedules.map((s) => ({ year: s.year, source: meta.source, updatedBy: meta.actorId, updatedAt: new Date() })))
    .onConflictDoUpdate({
      target: calendarYears.year,
      set: { source: sql`excluded.source`, updatedBy: sql`excluded.updated_by`, updatedAt: sql`excluded.updated_at` },
    });
  const rows = schedules.flatMap((s) => [
    ...s.holidays.map((h) => ({ date: h.date, year: s.year, kind: 'holiday' as const, name: h.name })),
    ...s.workdays.map((w) => ({ date: w.date, year: s.year, kind: 'workday' as const, name: w.name })),
  ]);
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(calendarDays).values(rows.slice(i, i + 1000));
}

/**
 * Pre-fills every year the built-in source provides that the database does not have yet. Years already there —
 * loaded earlier or corrected by an administrator — are left as they are.
 */
export async function syncBuiltInCalendar(db: Db): Promise<number[]> {
  return db.transaction(async (tx) => {
    // One process at a time, so two instances starting together do not insert the same year twice.
    await tx.execute(sql`select pg_advisory_xact_lock(4108710002)`);
    const have = new Set((await tx.select({ year: calendarYears.year }).from(calendarYears)).map((r) => r.year));
    const missing = builtInYearSchedules().filter((s) => !have.has(s.year));
    await replaceYearSchedules(tx, missing, { source: BUILT_IN_CALENDAR_SOURCE, actorId: null });
    return missing.map((s) => s.year);
  });
}
