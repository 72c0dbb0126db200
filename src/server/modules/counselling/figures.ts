import { sql } from 'drizzle-orm';
import { addDays, startOfShanghaiDate } from '../../../shared/calendar.js';
import type { Db } from '../../db/client.js';

/** An alert is answered in time when its risk assessment is recorded within this many minutes of being raised. */
export const ALERT_ANSWER_MINUTES = 60;

/** Counts for leaders over [from, to] (Shanghai dates) — never a name, a reason, a score or a note. */
export async function readCounsellingFigures(db: Db, districtCode: string, from: string, to: string) {
  const a = startOfShanghaiDate(from);
  const b = startOfShanghaiDate(addDays(to, 1));
  const { rows } = await db.execute<Record<string, number>>(sql`
    select
      (select count(*)::int from counselling_services where district_code = ${districtCode} and created_at >= ${a} and created_at < ${b}) as "servicesRequested",
      (select count(*)::int from counselling_sessions where district_code = ${districtCode} and held_on between ${from}::date and ${to}::date) as "sessionsHeld",
      (select count(*)::int from counselling_appointments where district_code = ${districtCode} and status = 'attended' and starts_at >= ${a} and starts_at < ${b}) as "appointmentsAttended",
      (select count(*)::int from counselling_appointments where district_code = ${districtCode} and status = 'no_show' and starts_at >= ${a} and starts_at < ${b}) as "appointmentsMissed",
      (select count(*)::int from medical_referrals where district_code = ${districtCode} and referred_at >= ${a} and referred_at < ${b}) as "referralsOut",
      (select count(*)::int from crisis_alerts where district_code = ${districtCode} and raised_at >= ${a} and raised_at < ${b}) as "alertsRaised",
      (select count(*)::int from crisis_alerts where district_code = ${districtCode} and raised_at >= ${a} and raised_at < ${b}
        and assessed_at <= raised_at + make_interval(mins => ${ALERT_ANSWER_MINUTES})) as "alertsAnsweredInTime",
      (select count(*)::int from crisis_alerts where district_code = ${districtCode} and assessed_at is null) as "alertsOpen"`);
  return { from, to, ...(rows[0] as Record<string, number>), answerWithinMinutes: ALERT_ANSWER_MINUTES } as {
    from: string; to: string; servicesRequested: number; sessionsHeld: number; appointmentsAttended: number; appointmentsMissed: number;
    referralsOut: number; alertsRaised: number; alertsAnsweredInTime: number; alertsOpen: number; answerWithinMinutes: number;
  };
}
