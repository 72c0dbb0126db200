import type { YearSchedule } from '../../../shared/calendar.js';
import type { YearScheduleInput } from '../../../shared/schemas/calendar.js';
import type { Db } from '../../db/client.js';
import { adminLog } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { recomputeProvisionalClocks } from '../deadlines/case-clocks.js';
import { replaceYearSchedules } from './calendar.repository.js';
import type { WorkCalendarCache } from './work-calendar.js';

interface CalendarEdit {
  db: Db;
  calendar: WorkCalendarCache;
  actor: Actor;
}

/**
 * Replaces the years whole with their log entry in one transaction; then every instance's next read sees them (this
 * one at once), and deadlines counted on a provisional year are counted again. Returns how many clocks changed.
 */
async function replaceYears(
  opts: CalendarEdit & {
    schedules: readonly YearSchedule[];
    source: string;
    log: { action: string; entity: string; data: Record<string, unknown> };
  },
): Promise<number> {
  const { db, calendar, actor } = opts;
  await db.transaction(async (tx) => {
    await replaceYearSchedules(tx, opts.schedules, { source: opts.source, actorId: actor.id });
    await tx.insert(adminLog).values({ districtCode: actor.districtCode, actorId: actor.id, ...opts.log });
  });
  calendar.invalidate();
  return recomputeProvisionalClocks(db, await calendar.get());
}

/** An administrator loads or corrects one year (replaced whole; logged). */
export async function putCalendarYear(opts: CalendarEdit & { schedule: YearScheduleInput }) {
  const { actor, schedule } = opts;
  const source = `admin:${actor.username}`;
  const recomputed = await replaceYears({
    ...opts,
    schedules: [schedule],
    source,
    log: {
      action: 'calendar.put_year',
      entity: `calendar:${schedule.year}`,
      data: { holidays: schedule.holidays.length, workdays: schedule.workdays.length },
    },
  });
  return { year: { ...schedule, source, updatedAt: new Date().toISOString() }, recomputed };
}

/** Years imported from a file, each replaced whole (logged with the file's name). */
export async function importCalendar(opts: CalendarEdit & { schedules: YearSchedule[]; fileName: string | undefined }) {
  const { schedules, fileName } = opts;
  const years = schedules.map((s) => s.year);
  const recomputed = await replaceYears({
    ...opts,
    source: `import:${fileName ?? 'file'}`,
    log: { action: 'calendar.import', entity: 'calendar', data: { years, fileName: fileName ?? null } },
  });
  return { years, recomputed };
}
