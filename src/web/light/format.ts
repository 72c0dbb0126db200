/**
 * Date and time as the centre counts them (Asia/Shanghai), whatever zone the phone is set to. Same rule as
 * `shared/calendar.ts` (China has no daylight saving time), without bringing a date library to the light pages.
 */
export function shanghaiDateTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
}
