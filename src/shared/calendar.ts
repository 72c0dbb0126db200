/**
 * The working-day calendar (docs/LEGAL-BASIS.md §1): pure, used by the server and the web UI.
 *
 * Dates are Asia/Shanghai calendar dates written `YYYY-MM-DD`; instants are UTC `Date`s and become dates through
 * `shanghaiDate`. Nothing here reads the machine's time zone.
 *
 * - A period starts the day **after** the triggering event (民法典 Art.201).
 * - "N 个工作日" skip weekends and statutory holidays and **count make-up working days (调休)**.
 * - "N 日" are calendar days; if the last one is a holiday or rest day, the deadline moves to the next working day
 *   (民法典 Art.203; 民事诉讼法 Art.85).
 * - A year without a loaded schedule counts weekends only, and every answer touching it is `provisional`.
 */

export type IsoDate = string;

/** One year's official schedule (the State Council notice): days off and make-up working days. */
export interface YearSchedule {
  year: number;
  /** Statutory holidays and the rest days joined to them (days off that would otherwise be working days or not). */
  holidays: readonly { date: IsoDate; name: string }[];
  /** Make-up working days (调休上班), usually a Saturday or Sunday. */
  workdays: readonly { date: IsoDate; name: string }[];
}

export interface DateResult {
  date: IsoDate;
  /** true when a year on the way has no loaded schedule: recompute once it is loaded. */
  provisional: boolean;
}

export interface CountResult {
  days: number;
  provisional: boolean;
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar date in `YYYY-MM-DD` form. */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** Day numbers of the dates met lately (the clocks of every case read the same few hundred dates). */
const dayNumbers = new Map<IsoDate, number>();

function toDayNumber(date: IsoDate): number {
  let n = dayNumbers.get(date);
  if (n === undefined) {
    if (!isIsoDate(date)) throw new RangeError(`not a date: ${date}`);
    n = Date.parse(`${date}T00:00:00Z`) / DAY_MS;
    if (dayNumbers.size >= 4096) dayNumbers.clear();
    dayNumbers.set(date, n);
  }
  return n;
}

function fromDayNumber(n: number): IsoDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The date `n` calendar days after `date` (negative goes back). */
export function addDays(date: IsoDate, n: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + n);
}

/** The Asia/Shanghai calendar date of a UTC instant (China has had no daylight saving time since 1991). */
export function shanghaiDate(instant: Date): IsoDate {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** An instant as the centre's clock shows it, to the second: `YYYY-MM-DDTHH:mm:ss` (Shanghai has no daylight saving). */
export function shanghaiClock(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
}

/** An instant as the centre reads it: Shanghai date and time to the minute, `YYYY-MM-DD HH:mm`. */
export function formatShanghaiDateTime(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** An instant as an SMS or a letter words it: Shanghai month, day and time, `12月1日 09:30`. */
export function formatShanghaiChinese(instant: Date): string {
  const d = formatShanghaiDateTime(instant);
  return `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日 ${d.slice(11, 16)}`;
}

/** The last day of the month `YYYY-MM` (day 0 of the next month). */
export function lastDayOfMonth(month: string): IsoDate {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
}

/** The UTC instant at which a Shanghai date begins (for "registered on or after" filters). */
export function startOfShanghaiDate(date: IsoDate): Date {
  return new Date(toDayNumber(date) * DAY_MS - 8 * 3600_000);
}

/** The UTC instant at which a Shanghai date ends (its last millisecond is the deadline's end). */
export function endOfShanghaiDate(date: IsoDate): Date {
  return new Date((toDayNumber(date) + 1) * DAY_MS - 8 * 3600_000 - 1);
}

function weekday(dayNumber: number): number {
  // 1970-01-01 was a Thursday (4).
  return (((dayNumber + 4) % 7) + 7) % 7;
}

export interface WorkCalendar {
  /** Years with a loaded schedule. */
  readonly years: readonly number[];
  isWorkingDay(date: IsoDate): { working: boolean; provisional: boolean };
  /** The N-th working day after `from` (from itself not counted). N ≥ 0; N = 0 gives `from`. */
  addWorkingDays(from: IsoDate, days: number): DateResult;
  /** `from` + N calendar days, moved to the next working day if it is not one. */
  addCalendarDays(from: IsoDate, days: number): DateResult;
  /** Working days d with from < d ≤ to (0 when to ≤ from). */
  countWorkingDays(from: IsoDate, to: IsoDate): CountResult;
}

/** Builds the calendar from the loaded year schedules. */
export function createWorkCalendar(schedules: readonly YearSchedule[]): WorkCalendar {
  const holidays = new Set<number>();
  const workdays = new Set<number>();
  const years = new Set<number>();
  for (const s of schedules) {
    years.add(s.year);
    for (const h of s.holidays) holidays.add(toDayNumber(h.date));
    for (const w of s.workdays) workdays.add(toDayNumber(w.date));
  }
  const yearOf = (n: number) => new Date(n * DAY_MS).getUTCFullYear();
  const isWorking = (n: number) => {
    if (workdays.has(n)) return true;
    if (holidays.has(n)) return false;
    const wd = weekday(n);
    return wd !== 0 && wd !== 6;
  };
  const isKnown = (n: number) => years.has(yearOf(n));

  return {
    years: [...years].sort((a, b) => a - b),
    isWorkingDay(date) {
      const n = toDayNumber(date);
      return { working: isWorking(n), provisional: !isKnown(n) };
    },
    addWorkingDays(from, days) {
      if (!Number.isInteger(days) || days < 0) throw new RangeError('days must be a non-negative integer');
      let n = toDayNumber(from);
      let provisional = false;
      for (let left = days; left > 0;) {
        n++;
        if (!isKnown(n)) provisional = true;
        if (isWorking(n)) left--;
      }
      return { date: fromDayNumber(n), provisional };
    },
    addCalendarDays(from, days) {
      if (!Number.isInteger(days) || days < 0) throw new RangeError('days must be a non-negative integer');
      let n = toDayNumber(from) + days;
      let provisional = !isKnown(n);
      while (!isWorking(n)) {
        n++;
        if (!isKnown(n)) provisional = true;
      }
      return { date: fromDayNumber(n), provisional };
    },
    countWorkingDays(from, to) {
      const a = toDayNumber(from);
      const b = toDayNumber(to);
      let days = 0;
      let provisional = false;
      for (let n = a + 1; n <= b; n++) {
        if (!isKnown(n)) provisional = true;
        if (isWorking(n)) days++;
      }
      return { days, provisional };
    },
  };
}
