import { addDays, type YearSchedule } from './calendar.js';

/** The 2026 calendar of the State Council notice of 2025-11-04, written out day by day (docs/LEGAL-BASIS.md §1). */
export const range = (from: string, to: string, name: string) => {
  const out: { date: string; name: string }[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push({ date: d, name });
  return out;
};
export const SCHEDULE_2026: YearSchedule = {
  year: 2026,
  holidays: [
    ...range('2026-01-01', '2026-01-03', '元旦'),
    ...range('2026-02-15', '2026-02-23', '春节'),
    ...range('2026-04-04', '2026-04-06', '清明'),
    ...range('2026-05-01', '2026-05-05', '劳动节'),
    ...range('2026-06-19', '2026-06-21', '端午'),
    ...range('2026-09-25', '2026-09-27', '中秋'),
    ...range('2026-10-01', '2026-10-07', '国庆'),
  ],
  workdays: [
    { date: '2026-01-04', name: '元旦' },
    { date: '2026-02-14', name: '春节' },
    { date: '2026-02-28', name: '春节' },
    { date: '2026-05-09', name: '劳动节' },
    { date: '2026-09-20', name: '国庆' },
    { date: '2026-10-10', name: '国庆' },
  ],
};
