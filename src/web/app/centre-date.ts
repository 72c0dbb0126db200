import dayjs, { type Dayjs } from 'dayjs';
import { shanghaiDate } from '../../shared/calendar.js';

/**
 * Today as the centre counts it. Periods, figures and deadlines are Asia/Shanghai days on the server; a browser whose
 * clock runs in another zone (a laptop set to UTC) would otherwise ask for "this year up to yesterday" between 00:00
 * and 08:00 and miss the day's cases.
 */
export function centreToday(): Dayjs {
  return dayjs(shanghaiDate(new Date()));
}
