import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { tokenize } from '../../lib/chinese-text.js';
import { appendLoadedTimeline } from '../case-access/record-case-change.js';

/**
 * A district's past, generated in the database: cases spread over a period across every grid (some grids busier than
 * others), through the stages a real case goes — refused, escalated, concluded at village, town or district level,
 * on time or late, followed up, archived — with their handling clocks and search words, and optionally their timelines.
 * The demo loads a year of it so the command centre has something to show; the benchmark loads millions.
 * No parties: history cases carry no personal data (their narrative says they are demo history).
 */
const TEMPLATES: { category: string; kind: string; summary: string; narrative: string }[] = [
  {
    category: 'labour',
    kind: 'dispute',
    summary: '拖欠农民工工资',
    narrative: '在工地务工三个月，包工头以工程款未结清为由拖欠工资，多次讨要未果。',
  },
  {
    category: 'property_management',
    kind: 'dispute',
    summary: '物业费收取争议',
    narrative: '物业服务不到位，电梯长期故障，业主拒交物业费，物业停水停电。',
  },
  {
    category: 'neighbourhood',
    kind: 'dispute',
    summary: '邻居装修噪音扰民',
    narrative: '邻居装修每天早上六点施工，噪音扰民，协商多次无果。',
  },
  { category: 'neighbourhood', kind: 'dispute', summary: '楼上漏水纠纷', narrative: '楼上卫生间漏水数月，墙面发霉，对方不愿维修。' },
  {
    category: 'housing_homestead',
    kind: 'dispute',
    summary: '宅基地边界争议',
    narrative: '与邻居因宅基地边界发生争执，对方砌墙占用约五平方米。',
  },
  { category: 'contract', kind: 'dispute', summary: '民间借贷纠纷', narrative: '借给熟人两万元，约定半年归还，到期后对方拒不还款。' },
  { category: 'consumer', kind: 'dispute', summary: '预付卡退费', narrative: '在健身房办理预付卡，门店关门后无法退费。' },
  {
    category: 'marriage_family',
    kind: 'dispute',
    summary: '赡养老人费用分担',
    narrative: '老人有三个子女，子女互相推诿，不愿承担赡养费用。',
  },
  { category: 'damages', kind: 'dispute', summary: '交通事故赔偿', narrative: '电动车与货车相撞，对方拒绝赔偿医疗费。' },
  { category: 'land_acquisition', kind: 'petition', summary: '征地补偿款未发放', narrative: '村里征地补偿款迟迟未发放，村民多次反映。' },
  { category: 'environment', kind: 'petition', summary: '餐馆油烟扰民', narrative: '楼下餐馆油烟直排，影响居民生活数月。' },
  { category: 'medical', kind: 'dispute', summary: '医疗纠纷', narrative: '手术后出现并发症，要求医院赔偿。' },
  { category: 'business', kind: 'dispute', summary: '货款拖欠', narrative: '向商户供货后对方拖欠货款已三个月。' },
  { category: 'traffic', kind: 'grid_event', summary: '车辆乱停占道', narrative: '小区门口长期有车辆乱停，影响通行。' },
  { category: 'other', kind: 'grid_event', summary: '夜间施工噪声', narrative: '附近工地夜间施工，噪声超标，影响休息。' },
  { category: 'other', kind: 'help', summary: '政策咨询', narrative: '咨询低保申请条件和办理流程。' },
];

const CHANNELS = ['walk_in', 'phone', 'online', 'grid', 'letter', 'transfer', 'camera'];

const arr = (values: string[]) => `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;

/** Generates `count` cases registered between `from` and `to` (chunks of `chunk` per statement). Returns how many. */
export async function loadCaseHistory(opts: {
  db: Db;
  districtCode: string;
  count: number;
  from: Date;
  to: Date;
  registeredBy: string;
  /** Also write each case's timeline rows (the demo does; a benchmark of millions need not). */
  withTimeline: boolean;
  /**
   * Index each case's words for search (the demo does). A benchmark of the dashboards gives each case an empty index
   * row instead: nothing to search, and nothing for the start-up backfill to pick up.
   */
  withSearchWords?: boolean;
  /** Numbers cases from here, so a second load does not collide with the first. */
  firstNumber?: number;
  chunk?: number;
  onProgress?: (done: number) => void;
}): Promise<number> {
  const { db, districtCode: d } = opts;
  const chunk = opts.chunk ?? 200_000;
  const first = opts.firstNumber ?? 1;
  const cats = arr(TEMPLATES.map((t) => t.category));
  const kinds = arr(TEMPLATES.map((t) => t.kind));
  const sums = arr(TEMPLATES.map((t) => t.summary));
  const narrs = arr(TEMPLATES.map((t) => `${t.narrative}（演示历史数据，不含当事人信息）`));
  const docs = arr(TEMPLATES.map((t) => tokenize(`${t.summary}\n${t.narrative}`).join(' ')));
  for (let a = first; a < first + opts.count; a += chunk) {
    const b = Math.min(first + opts.count, a + chunk);
    await db.transaction(async (tx) => {
      await tx.execute(sql`
        create temporary table h_cases on commit drop as
        with places as (
          select array_agg(g.id order by g.code) ids, array_agg(g.path order by g.code) paths,
            array_agg(coalesce(sfs.id, st.id) order by g.code) town_ids, array_agg(coalesce(sfs.path, st.path) order by g.code) town_paths,
            count(*)::int n
          from units g
          join units c on c.district_code = g.district_code and c.id = g.parent_id
          join units st on st.district_code = g.district_code and st.id = c.parent_id
          left join units sfs on sfs.district_code = g.district_code and sfs.parent_id = st.id and sfs.code like '%-SFS'
          where g.district_code = ${d} and g.kind = 'grid'
        ),
        depts as (
          select array_agg(id order by code) ids, array_agg(path order by code) paths, count(*)::int n
          from units where district_code = ${d} and kind = 'department' and depth = 1
        ),
        raw as (
          select g, gen_random_uuid() as id,
            1 + least(floor(power(random(), 1.8) * p.n)::int, p.n - 1) as pi,
            1 + floor(random() * ${TEMPLATES.length})::int as ti,
            (${arr(CHANNELS)}::text[])[1 + floor(power(random(), 1.4) * ${CHANNELS.length})::int] as channel,
            ${opts.from.toISOString()}::timestamptz + (${opts.to.toISOString()}::timestamptz - ${opts.from.toISOString()}::timestamptz) * random() as created_at,
            random() as r_decide, case when random() < 0.05 then 30 + random() * 50 else 1 + random() * 24 end as duration, random() as r_level, random() as r_outcome, random() as r_sat,
            random() as r_late, random() as r_risk, random() as r_esc, 1 + floor(random() * 1000)::int as di
          from generate_series(${a}::int, ${b - 1}::int) g, places p
        ),
        staged as (
          select r.*, extract(epoch from now() - r.created_at) / 86400 as age,
            r.r_decide < 0.04 as is_rejected,
            r.r_decide >= 0.04 and r.r_esc < 0.01 as is_escalated
          from raw r
        ),
        shaped as (
          select s.*,
            not s.is_rejected and not s.is_escalated and s.age > s.duration as is_concluded,
            not s.is_rejected and not s.is_escalated and s.age > s.duration + 3 as is_followed,
            not s.is_rejected and not s.is_escalated and s.age > s.duration + 60 as is_archived,
            -- 不满意 at follow-up reopens the case: the last few weeks' are being handled again; older ones were settled since.
            not s.is_rejected and not s.is_escalated and s.age > s.duration + 3 and s.age < s.duration + 30 and s.r_sat >= 0.95 as is_reopened,
            case when s.r_level < 0.55 then 'village' when s.r_level < 0.9 then 'town' else 'district' end as level
          from staged s
        )
        select ${d}::char(6) as district_code, x.id, x.g, x.created_at, x.channel, x.ti,
          (${cats}::text[])[x.ti] as category, (${kinds}::text[])[x.ti] as kind,
          p.ids[x.pi] as unit_id, p.paths[x.pi] as unit_path,
          case
            when x.is_rejected then case when x.age > 30 then 'archived' else 'rejected' end
            when x.is_escalated then 'escalated'
            when x.is_reopened then 'in_progress'
            when x.is_archived then 'archived'
            when x.is_followed then 'followed_up'
            when x.is_concluded then 'concluded'
            when x.age < 0.5 then 'registered'
            when x.age < 1 then 'accepted'
            else 'in_progress'
          end as status,
          x.is_rejected, x.is_escalated, x.is_concluded and not x.is_reopened as is_concluded, x.is_followed, x.is_reopened,
          case when x.is_rejected or x.is_escalated or x.age < 1 then null
               when x.level = 'village' then p.ids[x.pi] when x.level = 'town' then p.town_ids[x.pi] else dp.ids[1 + x.di % dp.n] end as lead_unit_id,
          case when x.is_rejected or x.is_escalated or x.age < 1 then null
               when x.level = 'village' then p.paths[x.pi] when x.level = 'town' then p.town_paths[x.pi] else dp.paths[1 + x.di % dp.n] end as lead_unit_path,
          case when not x.is_concluded or x.is_reopened then null
               when (${kinds}::text[])[x.ti] = 'petition' then case when x.r_outcome < 0.7 then 'petition_reply' else 'resolved_other' end
               when (${kinds}::text[])[x.ti] = 'dispute' then case when x.r_outcome < 0.58 then 'agreement' when x.r_outcome < 0.86 then 'resolved_other' else 'no_agreement' end
               else 'resolved_other' end as outcome,
          case when not x.is_followed then null when x.r_sat < 0.82 then 'satisfied' when x.is_reopened then 'dissatisfied' else 'basically_satisfied' end as satisfaction,
          case when x.is_concluded and not x.is_reopened then x.created_at + x.duration * interval '1 day' end as concluded_at,
          case when x.is_followed then x.created_at + (x.duration + 3) * interval '1 day' end as followed_up_at,
          case when x.is_escalated then x.created_at + interval '1 day' end as escalated_at,
          x.r_late < 0.08 as is_late,
          case when x.r_risk < 0.03 then 'high' when x.r_risk < 0.15 then 'medium' else 'low' end as risk_level,
          case when x.r_risk < 0.02 then 5 + floor(x.r_late * 30)::int else 1 + floor(x.r_sat * 3)::int end as people_involved
        from shaped x, places p, depts dp`);
      await tx.execute(sql`
        insert into cases (district_code, id, code, tracking_token, channel, kind, category, summary, narrative, people_involved, risk_level,
          difficulty, unit_id, unit_path, registered_by, lead_unit_id, lead_unit_path, status, version, outcome, satisfaction, reject_reason,
          concluded_at, followed_up_at, escalated_at, created_at, updated_at)
        select h.district_code, h.id, h.district_code || '-H' || to_char(h.created_at at time zone 'Asia/Shanghai', 'YYYY') || '-' || lpad(h.g::text, 8, '0'),
          upper(substr(md5(h.id::text), 1, 20)), h.channel, h.kind, h.category, (${sums}::text[])[h.ti], (${narrs}::text[])[h.ti], h.people_involved, h.risk_level,
          'ordinary', h.unit_id, h.unit_path, ${opts.registeredBy}::uuid, h.lead_unit_id, h.lead_unit_path, h.status, 1, h.outcome, h.satisfaction,
          case when h.is_rejected then '不属于本中心受理范围，已告知向有权机关提出' end,
          h.concluded_at, h.followed_up_at, h.escalated_at, h.created_at, coalesce(h.followed_up_at, h.concluded_at, h.escalated_at, h.created_at)
        from h_cases h`);
      // The handling clock decides 按期办结: 20 working days, about 8 % concluded late.
      await tx.execute(sql`
        insert into case_clocks (district_code, case_id, stage, days, unit, warn_percent, legal_basis, started_at, started_on, due_date, stopped_at, is_overdue_at_stop)
        select h.district_code, h.id, 'handling', 20, 'working', 80, '本中心办理时限（演示历史数据）', h.created_at,
          (h.created_at at time zone 'Asia/Shanghai')::date,
          case when h.is_late then (h.concluded_at at time zone 'Asia/Shanghai')::date - 3 else (h.concluded_at at time zone 'Asia/Shanghai')::date + 5 end,
          h.concluded_at, case when h.is_late then 1 else 0 end
        from h_cases h where h.is_concluded`);
      // Cases still being handled have a running clock: the slow ones are past it (red on the boards).
      await tx.execute(sql`
        insert into case_clocks (district_code, case_id, stage, days, unit, warn_percent, legal_basis, started_at, started_on, due_date)
        select h.district_code, h.id, 'handling', 20, 'working', 80, '本中心办理时限（演示历史数据）', h.created_at,
          (h.created_at at time zone 'Asia/Shanghai')::date, (h.created_at at time zone 'Asia/Shanghai')::date + 28
        from h_cases h where h.status = 'in_progress'`);
      await tx.execute(sql`
        insert into case_search (district_code, case_id, search_vector, party_vector, case_created_at)
        select h.district_code, h.id, ${opts.withSearchWords === false ? sql`''::tsvector` : sql`to_tsvector('simple', (${docs}::text[])[h.ti])`}, ''::tsvector,
          h.created_at from h_cases h`);
      if (opts.withTimeline) {
        await appendLoadedTimeline(
          tx,
          sql`select h.district_code, h.id, e.at, '演示历史', e.action, e.from_status, e.to_status, e.reason
          from h_cases h
          cross join lateral (values
            (h.created_at, 'register', null, 'registered', null),
            (case when h.is_rejected then h.created_at + interval '2 hours' end, 'reject', 'registered', 'rejected', '不属于本中心受理范围'),
            (case when not h.is_rejected and h.status <> 'registered' then h.created_at + interval '1 hour' end, 'accept', 'registered', 'accepted', null),
            (case when h.is_escalated then h.escalated_at end, 'escalate', 'accepted', 'escalated', '涉及区级以上政策，报上级处理'),
            (case when h.lead_unit_id is not null then h.created_at + interval '3 hours' end, 'dispatch', 'accepted', 'dispatched', null),
            (case when h.lead_unit_id is not null then h.created_at + interval '1 day' end, 'start', 'dispatched', 'in_progress', null),
            (coalesce(h.concluded_at, case when h.is_reopened then h.followed_up_at - interval '3 days' end), 'conclude', 'in_progress', 'concluded', '已办结'),
            (h.followed_up_at, 'follow_up', 'concluded', 'followed_up', null),
            (case when h.is_reopened then h.followed_up_at end, 'reopen', 'followed_up', 'in_progress', '回访不满意，重新办理'),
            (case when h.status = 'archived' and not h.is_rejected then h.followed_up_at + interval '57 days' end, 'archive', 'followed_up', 'archived', null)
          ) as e(at, action, from_status, to_status, reason)
          where e.at is not null`,
        );
      }
    });
    opts.onProgress?.(b - first);
  }
  return opts.count;
}
