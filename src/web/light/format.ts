import { formatShanghaiDateTime } from '../../shared/calendar.js';

/**
 * Date and time as the centre counts them (Asia/Shanghai), whatever zone the phone is set to: the shared rule of
 * `shared/calendar.ts` (pure functions, so the light pages' bundles take only these).
 */
export function shanghaiDateTime(iso: string): string {
  return formatShanghaiDateTime(new Date(iso));
}
