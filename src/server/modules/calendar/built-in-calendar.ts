import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { YearSchedule } from '../../../shared/calendar.js';

/** Where the pre-filled schedules come from (npm `chinese-days`, which follows the State Council notices). */
export const BUILT_IN_CALENDAR_SOURCE = 'chinese-days@1.5.7';

/** `"National Day,国庆节,3"` → `国庆节` */
function chineseName(label: string): string {
  return label.split(',')[1] ?? label;
}

/** Every year the package provides, as schedules. */
export function builtInYearSchedules(): YearSchedule[] {
  const byYear = new Map<number, { holidays: { date: string; name: string }[]; workdays: { date: string; name: string }[] }>();
  const entry = (date: string) => {
    const year = Number(date.slice(0, 4));
    let e = byYear.get(year);
    if (!e) byYear.set(year, (e = { holidays: [], workdays: [] }));
    return e;
  };
  for (const [date, label] of Object.entries(chineseDays.holidays as Record<string, string>))
    entry(date).holidays.push({ date, name: chineseName(label) });
  for (const [date, label] of Object.entries(chineseDays.workdays as Record<string, string>))
    entry(date).workdays.push({ date, name: chineseName(label) });
  return [...byYear.entries()]
    .sort(([a], [b]) => a - b)
    .map(([year, e]) => ({
      year,
      holidays: e.holidays.sort((a, b) => a.date.localeCompare(b.date)),
      workdays: e.workdays.sort((a, b) => a.date.localeCompare(b.date)),
    }));
}
