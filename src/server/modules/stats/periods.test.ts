import { describe, expect, it } from 'vitest';
import { addDays } from '../../../shared/calendar.js';
import type { RollupGrain } from '../../../shared/indicators.js';
import { coverPeriod, periodEnd, periodStart, type Span } from './periods.js';

/** How often each day is counted by the spans' signed rows (a row of a period counts every day of it). */
function weights(spans: Span[]): Map<string, number> {
  const w = new Map<string, number>();
  for (const s of spans) {
    for (let p = s.from; p <= s.to; p = addDays(periodEnd(s.grain, p), 1)) {
      expect(periodStart(s.grain, p)).toBe(p);
      for (let day = p; day <= periodEnd(s.grain, p); day = addDays(day, 1)) w.set(day, (w.get(day) ?? 0) + s.sign);
    }
  }
  return w;
}

function expectExact(from: string, to: string, grains: RollupGrain[], today: string) {
  const w = weights(coverPeriod(from, to, grains, today));
  for (const [day, n] of w)
    expect(n, `${day} in ${from}..${to} (${grains.join('/')}, today ${today})`).toBe(day >= from && day <= to ? 1 : 0);
  for (let day = from; day <= to; day = addDays(day, 1)) expect(w.get(day), `${day} in ${from}..${to}`).toBe(1);
}

describe('a period as rollup rows', () => {
  it('knows where weeks, months and years begin and end', () => {
    expect(periodStart('week', '2026-11-27')).toBe('2026-11-23');
    expect(periodEnd('week', '2026-11-23')).toBe('2026-11-29');
    expect(periodStart('week', '2027-01-03')).toBe('2026-12-28');
    expect(periodEnd('month', '2028-02-10')).toBe('2028-02-29');
    expect(periodEnd('month', '2026-02-10')).toBe('2026-02-28');
    expect(periodEnd('year', '2026-06-01')).toBe('2026-12-31');
  });

  it('reads this year up to today as one year row, less what lies after today', () => {
    const spans = coverPeriod('2026-01-01', '2026-11-27', ['year', 'month', 'day'], '2026-11-27');
    expect(spans[0]).toEqual({ grain: 'year', from: '2026-01-01', to: '2026-01-01', sign: 1 });
    // Everything taken away lies after today, where nothing is dated yet.
    expect(spans.slice(1).every((s) => s.sign === -1 && s.from > '2026-11-27')).toBe(true);
    expectExact('2026-01-01', '2026-11-27', ['year', 'month', 'day'], '2026-11-27');
  });

  it('reads a past period by whole months and the days at its edges', () => {
    const spans = coverPeriod('2025-03-15', '2025-06-10', ['year', 'month', 'day'], '2026-11-27');
    expect(spans).toContainEqual({ grain: 'month', from: '2025-04-01', to: '2025-05-01', sign: 1 });
    expect(spans.filter((s) => s.grain === 'year')).toEqual([]);
    expectExact('2025-03-15', '2025-06-10', ['year', 'month', 'day'], '2026-11-27');
  });

  it('is exact for any period, grains and today', () => {
    // A fixed pseudo-random sequence: the same periods every run.
    let seed = 20261127;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const grainSets: RollupGrain[][] = [['year', 'month', 'day'], ['month', 'day'], ['week', 'day'], ['day']];
    for (let i = 0; i < 300; i++) {
      const from = addDays('2024-01-01', next(1100));
      const to = addDays(from, next(i % 3 === 0 ? 800 : 70));
      const today = addDays(from, next(900) - 100);
      expectExact(from, to, grainSets[i % grainSets.length]!, today);
    }
  });
});
