import { describe, expect, it } from 'vitest';
import { createWorkCalendar } from './calendar.js';
import { SCHEDULE_2026 } from './calendar.fixtures.js';
import { clockStatus, DEFAULT_TIME_LIMITS, dueDateOf, extendByPause, matchTimeLimit } from './time-limits.js';

const cal = createWorkCalendar([SCHEDULE_2026]);
const subject = { kind: 'dispute', category: 'labour', channel: 'walk_in', difficulty: 'ordinary' } as const;

describe('matching a time limit', () => {
  it('gives a petition 15 days to decide on acceptance and 60 days to handle, extension at most 30 (信访工作条例 Art.23, 34)', () => {
    const petition = { ...subject, kind: 'petition' } as const;
    expect(matchTimeLimit(DEFAULT_TIME_LIMITS, 'acceptance', petition)).toMatchObject({ days: 15, unit: 'calendar' });
    expect(matchTimeLimit(DEFAULT_TIME_LIMITS, 'handling', petition)).toMatchObject({ days: 60, unit: 'calendar', maxExtensionDays: 30 });
  });
  it('gives a dispute the one-month mediation period', () => {
    expect(matchTimeLimit(DEFAULT_TIME_LIMITS, 'handling', subject)).toMatchObject({ days: 30, unit: 'calendar' });
  });
  it('gives other matters the centre’s 1 / 7 / 20 working days by difficulty', () => {
    for (const [difficulty, days] of [
      ['simple', 1],
      ['ordinary', 7],
      ['complex', 20],
    ] as const) {
      expect(matchTimeLimit(DEFAULT_TIME_LIMITS, 'handling', { ...subject, kind: 'help', difficulty })).toMatchObject({
        days,
        unit: 'working',
      });
    }
  });
  it('gives 复查 and 复核 30 days to ask and 30 days to decide (信访工作条例 Art.35, 36)', () => {
    const petition = { ...subject, kind: 'petition' } as const;
    for (const stage of ['review_request', 'review_decision', 're_review_request', 're_review_decision'] as const) {
      expect(matchTimeLimit(DEFAULT_TIME_LIMITS, stage, petition)).toMatchObject({ days: 30, unit: 'calendar' });
    }
  });
  it('gives a unit 5 working days to object to a transfer', () => {
    expect(matchTimeLimit(DEFAULT_TIME_LIMITS, 'transfer_objection', subject)).toMatchObject({ days: 5, unit: 'working' });
  });
  it('tries rules in priority order, first match wins', () => {
    const rules = [
      { ...DEFAULT_TIME_LIMITS[0]!, stage: 'handling' as const, kind: null, priority: 50, days: 9 },
      {
        ...DEFAULT_TIME_LIMITS[0]!,
        stage: 'handling' as const,
        kind: 'dispute' as const,
        category: 'labour' as const,
        priority: 5,
        days: 3,
      },
    ];
    expect(matchTimeLimit(rules, 'handling', subject)?.days).toBe(3);
    expect(matchTimeLimit(rules, 'handling', { ...subject, category: 'contract' })?.days).toBe(9);
  });
});

describe('due dates', () => {
  it('counts working days with 调休 and calendar days with the last-day rule', () => {
    expect(dueDateOf(cal, '2026-09-30', 5, 'working').date).toBe('2026-10-13');
    expect(dueDateOf(cal, '2026-09-20', 15, 'calendar').date).toBe('2026-10-08');
  });

  it('moves a working-day clock by exactly the working days it was paused', () => {
    // Paused 09-30, resumed 10-09: 10-01..07 off, 10-08 and 10-09 worked → 2 working days paused.
    expect(extendByPause(cal, '2026-10-13', 'working', '2026-09-30', '2026-10-09')).toEqual({
      date: '2026-10-15',
      provisional: false,
      pausedDays: 2,
    });
  });

  it('moves a calendar-day clock by the calendar days paused, then off a holiday', () => {
    // 09-25 + 7 paused days = 10-02, a holiday → 10-08.
    expect(extendByPause(cal, '2026-09-25', 'calendar', '2026-11-02', '2026-11-09')).toEqual({
      date: '2026-10-08',
      provisional: false,
      pausedDays: 7,
    });
  });
});

describe('the colour of a running clock', () => {
  const clock = { startedOn: '2026-11-02', dueDate: '2026-11-16', warnPercent: 80 }; // 10 working days
  it('is normal early on', () => {
    expect(clockStatus(cal, clock, '2026-11-04')).toEqual({ level: 'normal', workingDaysLeft: 8 });
  });
  it('turns yellow at 80% of the time', () => {
    expect(clockStatus(cal, clock, '2026-11-12')).toEqual({ level: 'warning', workingDaysLeft: 2 });
  });
  it('turns yellow with one working day left whatever the share', () => {
    expect(clockStatus(cal, { ...clock, warnPercent: 100 }, '2026-11-13')).toEqual({ level: 'warning', workingDaysLeft: 1 });
  });
  it('is still yellow on the due date itself, red the day after', () => {
    expect(clockStatus(cal, clock, '2026-11-16').level).toBe('warning');
    expect(clockStatus(cal, clock, '2026-11-18')).toEqual({ level: 'overdue', workingDaysLeft: -2 });
  });
});
