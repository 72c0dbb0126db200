import { addDays, lastDayOfMonth } from '../../../shared/calendar.js';
import type { RollupGrain } from '../../../shared/indicators.js';

/** Rollup rows of one grain whose periods start in [from, to], added (sign 1) or taken away (sign −1). */
export interface Span {
  grain: RollupGrain;
  from: string;
  to: string;
  sign: 1 | -1;
}

/** The first day of the grain's period holding `date` (ISO weeks begin on Monday). */
export function periodStart(grain: RollupGrain, date: string): string {
  switch (grain) {
    case 'day':
      return date;
    case 'week': {
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      return addDays(date, -((weekday + 6) % 7));
    }
    case 'month':
      return `${date.slice(0, 7)}-01`;
    case 'year':
      return `${date.slice(0, 4)}-01-01`;
  }
}

/** The last day of the grain's period holding `date`. */
export function periodEnd(grain: RollupGrain, date: string): string {
  const start = periodStart(grain, date);
  switch (grain) {
    case 'day':
      return date;
    case 'week':
      return addDays(start, 6);
    case 'month':
      return lastDayOfMonth(start.slice(0, 7));
    case 'year':
      return `${start.slice(0, 4)}-12-31`;
  }
}

/** Roughly how many rows a span reads: one set per period, none for periods that begin after today (nothing is dated there yet). */
function cost(spans: Span[], today: string): number {
  let n = 0;
  for (const s of spans) {
    for (let p = s.from; p <= s.to && p <= today; p = addDays(periodEnd(s.grain, p), 1)) n += 1;
  }
  return n;
}

/**
 * The rollup rows whose signed sum is exactly the period [from, to]: whole periods of the coarsest grain, and at each
 * edge either the finer periods inside it or the whole coarser period minus the finer ones outside it, whichever
 * reads fewer rows. "This year up to today" is one year row minus the days and months after today (which hold
 * nothing), instead of ten months and twenty-seven days. `grains` go from coarse to fine and end with 'day'.
 */
export function coverPeriod(from: string, to: string, grains: readonly RollupGrain[], today: string): Span[] {
  const plan = (a: string, b: string, level: number, sign: 1 | -1): Span[] => {
    if (a > b) return [];
    const grain = grains[level]!;
    if (level === grains.length - 1) return [{ grain, from: a, to: b, sign }];
    const first = periodStart(grain, a);
    const last = periodStart(grain, b);
    if (first === last) {
      const end = periodEnd(grain, first);
      const whole: Span = { grain, from: first, to: first, sign };
      if (a === first && b === end) return [whole];
      const inside = plan(a, b, level + 1, sign);
      const outside = [
        whole,
        ...plan(first, addDays(a, -1), level + 1, -sign as 1 | -1),
        ...plan(addDays(b, 1), end, level + 1, -sign as 1 | -1),
      ];
      return cost(outside, today) < cost(inside, today) ? outside : inside;
    }
    const middleFrom = addDays(periodEnd(grain, first), 1);
    const middleTo = periodStart(grain, addDays(last, -1));
    return [
      ...plan(a, periodEnd(grain, first), level, sign),
      ...(middleFrom <= middleTo ? [{ grain, from: middleFrom, to: middleTo, sign }] : []),
      ...plan(last, b, level, sign),
    ];
  };
  return plan(from, to, 0, 1);
}
