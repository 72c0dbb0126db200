import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/shared/calendar.js';

/**
 * No test hard-codes the current or the next year. A test that expects `410871-YYYY-…`, registers a meeting on
 * `'YYYY-11-26'` or reads "this year" as a year typed in passes the day it is written and fails on some 1 January:
 * tests take dates from the centre's today (`shanghaiDate(new Date())`, `addDays`) instead.
 *
 * The scan covers every test file and what only tests use (`test/`, `*.fixtures.ts`, `*.factory.ts`), judged
 * against the years of the centre's today, so it moves on with the calendar. A fixed date is allowed only where it
 * is in the past and nothing compares it with today, through the allow-list below, one reason per entry.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Allowed {
  file: string;
  /** Only the lines matching this are allowed (default: the whole file). */
  lines?: RegExp;
  reason: string;
}

const ALLOWED: readonly Allowed[] = [
  {
    file: 'src/shared/calendar.fixtures.ts',
    reason:
      'the 2026 schedule of the State Council notice of 2025-11-04, written out day by day: data, not a date the test compares with today',
  },
  {
    file: 'src/shared/calendar.test.ts',
    reason: 'pure date arithmetic on that fixed 2026 schedule (and a later year left unloaded on purpose); the clock is never read',
  },
  {
    file: 'src/shared/time-limits.test.ts',
    reason: 'due dates and clock colours on the fixed 2026 schedule, with "today" passed in as an argument',
  },
  {
    file: 'src/server/modules/stats/periods.test.ts',
    reason: 'pure arithmetic of periods and rollup rows, with "today" passed in as an argument',
  },
  {
    file: 'src/server/modules/calendar/calendar.test.ts',
    reason: 'the worked examples on the pre-filled 2026 schedule through the API, and years far ahead that the test loads itself',
  },
  {
    file: 'src/server/modules/calendar/built-in-calendar.test.ts',
    reason: 'the pre-filled schedules (2004–2026, npm chinese-days) checked against the State Council notice',
  },
  {
    file: 'src/server/modules/stats/stats.test.ts',
    reason:
      'a hand-built October 2026 in an isolated database: cases backdated into that past month so every figure is known; reads of "the year so far" run from its first day to whatever today is',
  },
  {
    file: 'test/e2e/calendar-admin.test.ts',
    reason: 'the pre-filled 2026 schedule on the admin page and a year far ahead the test loads itself; nothing compares with today',
  },
];

/** Test files and what only tests use, relative to the repository root. */
function scannedFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.(test\.tsx?|fixtures\.ts|factory\.ts)$/.test(entry.name) || (path.startsWith('test/') && /\.tsx?$/.test(entry.name)))
        out.push(path);
    }
  };
  walk('src');
  walk('test');
  return out;
}

/**
 * The ways a year YYYY turns into a date in a test: ISO dates and months (`YYYY-10`, `YYYY-10-01T…`), a case code
 * (`410871-YYYY-000123`), compact dates (`YYYY1127`), a Chinese date (`YYYY年3月`), a year parameter or test id
 * (`year=YYYY`, `year: YYYY`, `y.year === YYYY`, `calendar-year-YYYY`), a year in a URL segment (`/figures/YYYY`),
 * and a year given to `Date`.
 */
function yearPatterns(year: number): RegExp[] {
  const y = String(year);
  return [
    new RegExp(`(?<![\\d.])${y}-(0[1-9]|1[0-2])(?!\\d)`),
    new RegExp(`\\d{6}-${y}-`),
    new RegExp(`(?<!\\d)${y}(0[1-9]|1[0-2])(0[1-9]|[12]\\d|3[01])(?!\\d)`),
    new RegExp(`(?<!\\d)${y}\\s*年`),
    new RegExp(`year\\W{0,5}${y}(?!\\d)`, 'i'),
    new RegExp(`/${y}(?![\\d-])`),
    new RegExp(`(new Date|Date\\.UTC)\\(\\s*${y}(?!\\d)`),
  ];
}

/** Every line of the scanned files holding a date of one of `years`, as `file:line: text`, the allow-list aside. */
function findYearLiterals(years: readonly number[], files = scannedFiles(), allowed: readonly Allowed[] = ALLOWED): string[] {
  const patterns = years.flatMap(yearPatterns);
  return files.flatMap((file) => {
    const entry = allowed.find((a) => a.file === file);
    return readFileSync(join(root, file), 'utf8')
      .split('\n')
      .flatMap((text, i) => {
        if (!patterns.some((p) => p.test(text))) return [];
        if (entry && (!entry.lines || entry.lines.test(text))) return [];
        return [`${file}:${i + 1}: ${text.trim().slice(0, 160)}`];
      });
  });
}

const thisYear = Number(shanghaiDate(new Date()).slice(0, 4));

describe('dates in tests', () => {
  it(`no test hard-codes the current or next year (${thisYear}, ${thisYear + 1}) outside the allow-list`, () => {
    expect(findYearLiterals([thisYear, thisYear + 1])).toEqual([]);
  });

  it('finds the date bombs it is meant to find', () => {
    // A year ahead of any run (the examples must not become literals of the year they check).
    const year = thisYear + 7;
    const bombs = [
      `expect(c.code).toMatch(/^410871-${year}-\\d{6}$/)`,
      `payload: { heldOn: '${year}-11-26' }`,
      `const month = '${year}-10';`,
      `await get('/api/three-zero?year=${year}')`,
      `put('/api/three-zero/targets/${year}', body)`,
      `uniqueIdNumber('${year}0101')`,
      `facts: '已于${year}年3月足额发放'`,
      `new Date(${year}, 0, 1)`,
    ];
    const harmless = [`const seed = 1${year}0;`, `phone: '139${year}1234'`, `'${year - 1}-10-01'`, `version: '1.${year}.0'`];
    for (const line of bombs)
      expect(
        yearPatterns(year).some((p) => p.test(line)),
        line,
      ).toBe(true);
    for (const line of harmless)
      expect(
        yearPatterns(year).some((p) => p.test(line)),
        line,
      ).toBe(false);
  });

  it('allows only files that exist, each for a reason', () => {
    const files = new Set(scannedFiles());
    for (const a of ALLOWED) {
      expect(existsSync(join(root, a.file)) && files.has(a.file), a.file).toBe(true);
      expect(a.reason.length, a.file).toBeGreaterThan(20);
      if (a.lines)
        expect(
          readFileSync(join(root, a.file), 'utf8')
            .split('\n')
            .some((l) => a.lines!.test(l)),
          a.file,
        ).toBe(true);
    }
    expect(new Set(ALLOWED.map((a) => a.file)).size).toBe(ALLOWED.length);
  });

  it('scans the test files of the whole repository', () => {
    const files = scannedFiles();
    expect(files.filter((f) => f.endsWith('.test.ts')).length).toBeGreaterThan(40);
    expect(files).toContain('test/support/app.ts');
    expect(files).toContain('src/shared/calendar.fixtures.ts');
  });
});
