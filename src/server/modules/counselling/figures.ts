import { sql } from 'drizzle-orm';
import { addDays, startOfShanghaiDate } from '../../../shared/calendar.js';
import { zhCN } from '../../../shared/locales/zh-CN.js';
import { COUNSELLING_FIGURE_KEYS } from '../../../shared/schemas/counselling.js';
import type { Db } from '../../db/client.js';
import type { Sheet } from '../../lib/workbook.js';

/** An alert is answered in time when its risk assessment is recorded within this many minutes of being raised. */
export const ALERT_ANSWER_MINUTES = 60;

/** Counts for leaders over [from, to] (Shanghai dates) — never a name, a reason, a score or a note. */
export async function readCounsellingFigures(opts: { db: Db; districtCode: string; from: string; to: string }) {
  const { db, districtCode, from, to } = opts;
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
    from: string;
    to: string;
    servicesRequested: number;
    sessionsHeld: number;
    appointmentsAttended: number;
    appointmentsMissed: number;
    referralsOut: number;
    alertsRaised: number;
    alertsAnsweredInTime: number;
    alertsOpen: number;
    answerWithinMinutes: number;
  };
}

/** The same counts as one sheet (still only numbers). */
export function counsellingFiguresSheet(f: Awaited<ReturnType<typeof readCounsellingFigures>>): Sheet {
  const name = (k: string) =>
    ((zhCN as Record<string, string>)[`counselling.figure.${k}`] ?? k).replace('{n}', String(f.answerWithinMinutes));
  return {
    name: '心理服务数据',
    title: '心理服务数据（仅数量）',
    filters: [`统计期间：${f.from} 至 ${f.to}（北京时间）`, '待评估预警为当前数；心理咨询内容依法保密，此表不含任何个人信息或咨询内容'],
    columns: [
      { header: '项目', key: 'name', width: 24 },
      { header: '数量', key: 'value' },
    ],
    rows: COUNSELLING_FIGURE_KEYS.map((k) => ({ name: name(k), value: f[k] })),
  };
}
