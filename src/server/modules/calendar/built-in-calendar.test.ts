import { describe, expect, it } from 'vitest';
import { SCHEDULE_2026 } from '../../../shared/calendar.fixtures.js';
import { builtInYearSchedules } from './built-in-calendar.js';

describe('the built-in calendar data', () => {
  const years = builtInYearSchedules();

  it('matches the State Council’s 2026 schedule day by day', () => {
    const y2026 = years.find((y) => y.year === 2026)!;
    expect(y2026.holidays.map((h) => h.date)).toEqual(SCHEDULE_2026.holidays.map((h) => h.date));
    expect(y2026.workdays.map((w) => w.date)).toEqual(SCHEDULE_2026.workdays.map((w) => w.date));
  });

  it('covers every year from 2004 to 2026 and nothing later', () => {
    expect(years.map((y) => y.year)).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
  });
});
