import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, createWorkCalendar, endOfShanghaiDate, isIsoDate, shanghaiDate } from './calendar.js';
import { range, SCHEDULE_2026 } from './calendar.fixtures.js';

const cal = createWorkCalendar([SCHEDULE_2026]);

describe('the worked examples of docs/LEGAL-BASIS.md §1', () => {
  it('5 working days from 2026-09-30 end on 2026-10-13 (holidays skipped, Saturday 10-10 counted)', () => {
    expect(cal.addWorkingDays('2026-09-30', 5)).toEqual({ date: '2026-10-13', provisional: false });
  });
  it('15 working days from 2026-09-18 end on 2026-10-15', () => {
    expect(cal.addWorkingDays('2026-09-18', 15)).toEqual({ date: '2026-10-15', provisional: false });
  });
});

describe('every day of the 2026 table', () => {
  it.each(SCHEDULE_2026.holidays.map((h) => [h.date, h.name]))('%s (%s) is not a working day', (date) => {
    expect(cal.isWorkingDay(date)).toEqual({ working: false, provisional: false });
  });
  it.each(SCHEDULE_2026.workdays.map((w) => [w.date, w.name]))('%s (%s, a weekend) is a make-up working day', (date) => {
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    expect([0, 6]).toContain(dow);
    expect(cal.isWorkingDay(date)).toEqual({ working: true, provisional: false });
  });
  it('counts 2026 as 248 working days (365 − 104 weekend days − 19 holidays on weekdays + 6 make-up days)', () => {
    expect(cal.countWorkingDays('2025-12-31', '2026-12-31')).toEqual({ days: 248, provisional: false });
  });
});

describe('calendar days and the last-day rule', () => {
  it('moves a period ending on a holiday to the next working day', () => {
    // 2026-09-20 + 15 days = 10-05, inside 国庆: moves to 10-08.
    expect(cal.addCalendarDays('2026-09-20', 15)).toEqual({ date: '2026-10-08', provisional: false });
  });
  it('moves a period ending on a Sunday to Monday', () => {
    expect(cal.addCalendarDays('2026-11-01', 7)).toEqual({ date: '2026-11-09', provisional: false });
  });
  it('keeps a period ending on a make-up Saturday', () => {
    expect(cal.addCalendarDays('2026-10-03', 7)).toEqual({ date: '2026-10-10', provisional: false });
  });
  it('counts 60 days from acceptance as calendar days', () => {
    expect(cal.addCalendarDays('2026-03-02', 60)).toEqual({ date: '2026-05-06', provisional: false });
  });
});

describe('years without a schedule', () => {
  it('count weekends only and say the answer is provisional', () => {
    expect(cal.addWorkingDays('2026-12-30', 3)).toEqual({ date: '2027-01-04', provisional: true });
    expect(cal.isWorkingDay('2027-01-01')).toEqual({ working: true, provisional: true });
    expect(cal.countWorkingDays('2026-12-25', '2027-01-08')).toMatchObject({ provisional: true });
  });
  it('are not provisional once loaded', () => {
    const with2027 = createWorkCalendar([SCHEDULE_2026, { year: 2027, holidays: range('2027-01-01', '2027-01-03', '元旦'), workdays: [] }]);
    // 12-31 Thu, (01-01 元旦, 01-02/03 weekend), 01-04 Mon, 01-05 Tue.
    expect(with2027.addWorkingDays('2026-12-30', 3)).toEqual({ date: '2027-01-05', provisional: false });
  });
});

describe('dates and instants', () => {
  it('reads the Shanghai date of a UTC instant', () => {
    expect(shanghaiDate(new Date('2026-09-30T15:59:59Z'))).toBe('2026-09-30');
    expect(shanghaiDate(new Date('2026-09-30T16:00:00Z'))).toBe('2026-10-01');
  });
  it('ends a Shanghai date at 23:59:59.999 +08:00', () => {
    expect(endOfShanghaiDate('2026-10-13').toISOString()).toBe('2026-10-13T15:59:59.999Z');
  });
  it('refuses what is not a date', () => {
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(() => cal.addWorkingDays('2026-13-01', 1)).toThrow(RangeError);
  });
});

describe('properties (fast-check)', () => {
  const dates = fc.integer({ min: 0, max: 2 * 366 }).map((n) => addDays('2025-06-01', n));
  const spans = fc.integer({ min: 0, max: 400 });

  it('adding N ≥ 1 working days never lands on a non-working day', () => {
    fc.assert(fc.property(dates, fc.integer({ min: 1, max: 400 }), (d, n) => cal.isWorkingDay(cal.addWorkingDays(d, n).date).working));
  });
  it('counting the working days between a date and date + N working days gives N', () => {
    fc.assert(fc.property(dates, spans, (d, n) => cal.countWorkingDays(d, cal.addWorkingDays(d, n).date).days === n));
  });
  it('a calendar-day period always ends on a working day, never before its last day', () => {
    fc.assert(
      fc.property(dates, spans, (d, n) => {
        const end = cal.addCalendarDays(d, n).date;
        return cal.isWorkingDay(end).working && end >= addDays(d, n);
      }),
    );
  });
});
