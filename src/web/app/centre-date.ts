import dayjs, { type Dayjs } from 'dayjs';
import { shanghaiClock, shanghaiDate, startOfShanghaiDate } from '../../shared/calendar.js';

/**
 * Today as the centre counts it. Periods, figures and deadlines are Asia/Shanghai days on the server; a browser whose
 * clock runs in another zone (a laptop set to UTC) would otherwise ask for "this year up to yesterday" between 00:00
 * and 08:00 and miss the day's cases.
 */
export function centreToday(): Dayjs {
  return dayjs(shanghaiDate(new Date()));
}

/**
 * The centre's wall-clock time now (Asia/Shanghai, no daylight saving) as a Dayjs whose fields read that time, for
 * clocks on screen: a PC set to another zone still shows the centre's hour and day.
 */
export function centreNow(): Dayjs {
  return dayjs(shanghaiClock(new Date()));
}

/** An instant (an API's ISO timestamp) as the centre's clock read it: the wall and the cockpit show Shanghai times. */
export function atCentre(instant: string | Date): Dayjs {
  return dayjs(shanghaiClock(new Date(instant)));
}

/**
 * The instant (ISO) of a wall-clock time picked on the centre's clock — the inverse of `atCentre`: a date-time picker
 * shows and returns the fields as read in Shanghai, whatever zone the PC is set to (Asia/Shanghai keeps no daylight
 * saving, so a day is always 24 hours after its midnight). One hour a year it cannot hold: a Shanghai time that falls
 * in the PC's own spring-forward gap (a PC set to a zone with daylight saving) has no local Dayjs to pick it with.
 */
export function fromCentre(wall: Dayjs): string {
  const midnight = startOfShanghaiDate(wall.format('YYYY-MM-DD')).getTime();
  return new Date(midnight + ((wall.hour() * 60 + wall.minute()) * 60 + wall.second()) * 1000).toISOString();
}

/**
 * A calendar date (YYYY-MM-DD, or the first day written as YYYY-MM-01) as a Dayjs for date pickers and weekday names.
 * A date is the same day in every zone, so this is the one place a date-only value meets dayjs: an API's instant goes
 * through `atCentre`, "now" through `centreNow` or `centreToday`.
 */
export function centreDay(date: string): Dayjs {
  return dayjs(date);
}
