import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Actor } from '../../plugins/auth.js';
import { findVisibleCase } from '../case-access/case-row.js';
import { OPEN_STATUSES } from '../../../shared/case-lifecycle.js';
import { zhCN } from '../../../shared/locales/zh-CN.js';
import type { HandlerSuggestions } from '../../../shared/schemas/learning.js';

const share = (part: number, whole: number) => (whole ? part / whole : null);
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
/** A share with one imagined success and one failure added, so two cases out of two do not beat 40 out of 45. */
const smoothed = (part: number, whole: number) => (part + 1) / (whole + 2);

/**
 * The right mediator: the handlers of the unit the dispatcher chose, ranked for this case by their record with its
 * category — settled share, on time, follow-up satisfaction, experience — less their open load, each with the reasons.
 * The dispatcher chooses; nothing is assigned here.
 */
export async function suggestHandlers(opts: { db: Db; actor: Actor; caseId: string; unitId: string }): Promise<HandlerSuggestions> {
  const { db, actor } = opts;
  const c = await findVisibleCase({ db, actor, caseId: opts.caseId });
  const d = actor.districtCode;
  const open = sql.join(
    OPEN_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  const { rows } = await db.execute<{
    id: string;
    display_name: string;
    concluded: number;
    settled: number;
    followed: number;
    satisfied: number;
    stopped: number;
    on_time: number;
    open_load: number;
  }>(sql`
    with staff as (
      select id, display_name from users
      where district_code = ${d} and unit_id = ${opts.unitId} and disabled_at is null and not is_system
        and role in ('mediator', 'unit_handler', 'grid_worker')
    ),
    record as (
      select c.handler_id,
        count(*) filter (where c.concluded_at is not null)::int as concluded,
        count(*) filter (where c.concluded_at is not null and c.outcome in ('agreement', 'petition_reply', 'resolved_other'))::int as settled,
        count(*) filter (where c.followed_up_at is not null)::int as followed,
        count(*) filter (where c.satisfaction in ('satisfied', 'basically_satisfied'))::int as satisfied
      from cases c
      where c.district_code = ${d} and c.category = ${c.category} and c.handler_id in (select id from staff)
      group by c.handler_id
    ),
    timely as (
      select c.handler_id, count(*)::int as stopped, count(*) filter (where not k.is_overdue_at_stop)::int as on_time
      from cases c
      join case_clocks k on k.district_code = c.district_code and k.case_id = c.id and k.stage = 'handling' and k.stopped_at is not null
      where c.district_code = ${d} and c.category = ${c.category} and c.handler_id in (select id from staff)
      group by c.handler_id
    ),
    load as (
      select handler_id, count(*)::int as open_load from cases
      where district_code = ${d} and handler_id in (select id from staff) and status in (${open})
      group by handler_id
    )
    select s.id, s.display_name, coalesce(r.concluded, 0) as concluded, coalesce(r.settled, 0) as settled,
      coalesce(r.followed, 0) as followed, coalesce(r.satisfied, 0) as satisfied, coalesce(t.stopped, 0) as stopped,
      coalesce(t.on_time, 0) as on_time, coalesce(l.open_load, 0) as open_load
    from staff s
    left join record r on r.handler_id = s.id
    left join timely t on t.handler_id = s.id
    left join load l on l.handler_id = s.id`);
  const category = zhCN[`category.${c.category}`];
  const items = rows.map((r) => {
    const settledShare = share(r.settled, r.concluded);
    const onTimeShare = share(r.on_time, r.stopped);
    const satisfiedShare = share(r.satisfied, r.followed);
    const experience = Math.min(1, r.concluded / 10);
    const score =
      0.35 * smoothed(r.settled, r.concluded) +
      0.2 * smoothed(r.on_time, r.stopped) +
      0.2 * smoothed(r.satisfied, r.followed) +
      0.25 * experience -
      0.03 * Math.min(r.open_load, 10);
    const reasons =
      r.concluded === 0
        ? [`尚无${category}案件的办理记录`]
        : [
            `${category}办结 ${r.concluded} 件，化解 ${pct(settledShare)}`,
            `按期 ${pct(onTimeShare)}`,
            ...(r.followed ? [`回访满意 ${pct(satisfiedShare)}`] : []),
          ];
    reasons.push(r.open_load ? `在办 ${r.open_load} 件` : '目前没有在办案件');
    return {
      userId: r.id,
      displayName: r.display_name,
      score: Math.max(0, Math.round(score * 1000) / 1000),
      concluded: r.concluded,
      settledShare,
      onTimeShare,
      satisfiedShare,
      openLoad: r.open_load,
      reasons,
    };
  });
  return { items: items.sort((a, b) => b.score - a.score || a.openLoad - b.openLoad) };
}
