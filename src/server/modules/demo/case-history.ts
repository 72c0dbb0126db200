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
interface CategoryStories {
  category: string;
  /** Usual kind, and the share reported as a petition (信访) instead. */
  kind: string;
  petitionShare?: number;
  /** The district department a case of this category goes to when it is handled at district level (seed-demo.ts codes). */
  department: string;
  /** Of the dispatched cases, the share handled by that department (the rest by the village or the town's 司法所). */
  departmentShare: number;
  summaries: string[];
  /** Who and where, what happened, what they ask: combined into varied narratives. */
  who: string[];
  what: string[];
  ask: string[];
}

/**
 * The stories of each category, varied enough that a model learns words rather than sentences (docs/LEARNING.md: the
 * demo's routing model is trained on this history), with overlap between categories as real narratives have.
 */
const STORIES: CategoryStories[] = [
  {
    category: 'labour',
    kind: 'dispute',
    petitionShare: 0.15,
    department: 'RSJ-LDJC',
    departmentShare: 0.8,
    summaries: ['拖欠农民工工资', '讨要劳动报酬', '工资被拖欠', '辞退未给经济补偿', '未签劳动合同讨薪', '工伤待遇争议'],
    who: ['在工地务工三个月', '在服装厂上班半年', '在物流公司做搬运工', '在饭店当厨师一年', '在建筑队干木工活', '在工厂流水线上班'],
    what: [
      '包工头以工程款未结清为由拖欠工资',
      '老板拖欠两个月工资不发',
      '公司未签劳动合同也不缴社保，被无故辞退',
      '工作中受伤，公司不承认工伤，不给工资',
      '加班费和工资一直拖着不结',
      '劳务公司跑路，工人工资无人支付',
    ],
    ask: ['多次讨要未果，请求帮助追讨欠薪。', '要求依法支付劳动报酬。', '希望劳动监察部门介入。', '要求支付工资和经济补偿金。'],
  },
  {
    category: 'property_management',
    kind: 'dispute',
    department: 'ZJJ',
    departmentShare: 0.35,
    summaries: ['物业费收取争议', '物业服务不到位', '小区电梯长期故障', '物业停水停电', '公共收益去向不明'],
    who: ['小区业主反映', '某小区多名业主来访', '住户反映', '业主委员会反映'],
    what: [
      '物业服务不到位，电梯长期故障，业主拒交物业费',
      '物业公司以欠费为由停水停电',
      '小区公共区域停车收益去向不明，物业拒绝公开',
      '物业擅自涨价，绿化保洁无人管理',
      '物业更换未经业主大会表决',
    ],
    ask: ['要求物业整改。', '请求协调物业恢复供水供电。', '要求公开账目。', '希望街道协调解决。'],
  },
  {
    category: 'neighbourhood',
    kind: 'dispute',
    department: 'FT',
    departmentShare: 0.1,
    summaries: ['邻居装修噪音扰民', '楼上漏水纠纷', '楼道堆放杂物', '邻里通行纠纷', '宠物扰邻'],
    who: ['居民反映', '与对门邻居', '与楼上住户', '与隔壁邻居'],
    what: [
      '邻居装修每天早上六点施工，噪音扰民',
      '楼上卫生间漏水数月，墙面发霉，对方不愿维修',
      '对方在楼道长期堆放杂物，影响通行和消防',
      '邻居养的狗夜间吠叫，多次沟通无效',
      '邻居在门前砌台阶堵住了出行的路',
    ],
    ask: ['协商多次无果。', '请求社区调解。', '希望调解员上门调解。'],
  },
  {
    category: 'housing_homestead',
    kind: 'dispute',
    department: 'ZRZYJ',
    departmentShare: 0.5,
    summaries: ['宅基地边界争议', '宅基地确权纠纷', '建房占地纠纷', '老宅继承分割'],
    who: ['村民反映', '与同村村民', '与邻居'],
    what: [
      '因宅基地边界发生争执，对方砌墙占用约五平方米',
      '对方翻建房屋超出宅基地范围',
      '宅基地使用权证上的四至与实际不符',
      '父母留下的老宅兄弟之间为分割发生争执',
    ],
    ask: ['请求测量确权。', '要求对方拆除占用部分。', '请求村委会和司法所调解。'],
  },
  {
    category: 'contract',
    kind: 'dispute',
    department: 'FT',
    departmentShare: 0.4,
    summaries: ['民间借贷纠纷', '借款到期不还', '房屋租赁合同纠纷', '装修合同纠纷'],
    who: ['申请人反映', '与熟人之间', '与房东之间', '与装修公司'],
    what: [
      '借给熟人两万元，约定半年归还，到期后对方拒不还款',
      '房东提前收回房屋，押金不退',
      '装修公司收了预付款后停工，质量也不合格',
      '对方打了借条，至今只还了一部分',
    ],
    ask: ['要求归还借款。', '要求退还押金。', '要求依照合同赔偿。'],
  },
  {
    category: 'business',
    kind: 'dispute',
    department: 'FT',
    departmentShare: 0.35,
    summaries: ['货款拖欠', '合伙经营纠纷', '商铺经营争议', '加盟费纠纷'],
    who: ['个体商户反映', '供货商反映', '合伙人之间'],
    what: [
      '向商户供货后对方拖欠货款已三个月',
      '合伙开店后对方私自转移账款',
      '加盟总部承诺的扶持未兑现，要求退还加盟费',
      '市场管理方单方面调整摊位费',
    ],
    ask: ['要求结清货款。', '要求清算合伙账目。', '请求调解。'],
  },
  {
    category: 'consumer',
    kind: 'dispute',
    department: 'FT',
    departmentShare: 0.2,
    summaries: ['预付卡退费', '商品质量问题', '健身房跑路', '培训机构退费'],
    who: ['消费者反映', '多名会员反映', '家长反映'],
    what: [
      '在健身房办理预付卡，门店关门后无法退费',
      '购买的家电出现质量问题，商家拒绝退换',
      '培训机构停课，剩余课时费不予退还',
      '理发店会员卡余额无法使用',
    ],
    ask: ['要求退费。', '要求退换商品。', '请求市场监管部门处理。'],
  },
  {
    category: 'marriage_family',
    kind: 'dispute',
    department: 'FL',
    departmentShare: 0.5,
    summaries: ['赡养老人费用分担', '家庭矛盾', '离婚后子女抚养', '婚姻家庭纠纷'],
    who: ['老人反映', '妇女来访', '家属反映'],
    what: [
      '老人有三个子女，子女互相推诿，不愿承担赡养费用',
      '夫妻长期争吵，丈夫酗酒后动手',
      '离婚后对方不按时支付抚养费，也不让探望孩子',
      '婆媳矛盾激化，老人被赶出家门',
    ],
    ask: ['请求调解。', '希望妇联帮助维权。', '要求按月支付赡养费。'],
  },
  {
    category: 'damages',
    kind: 'dispute',
    department: 'FT',
    departmentShare: 0.3,
    summaries: ['人身损害赔偿', '打架受伤赔偿', '财物损坏赔偿', '狗咬伤赔偿'],
    who: ['伤者反映', '当事人反映', '家属反映'],
    what: [
      '双方发生口角后动手，申请人受伤住院',
      '被邻居家的狗咬伤，对方不愿承担医药费',
      '对方施工时砸坏了车辆',
      '孩子在对方店里摔伤，双方对责任有争议',
    ],
    ask: ['要求赔偿医疗费和误工费。', '要求赔偿损失。', '请求调解赔偿数额。'],
  },
  {
    category: 'land_acquisition',
    kind: 'petition',
    department: 'ZRZYJ',
    departmentShare: 0.6,
    summaries: ['征地补偿款未发放', '拆迁安置争议', '征收补偿标准异议', '安置房迟迟未交付'],
    who: ['村民多次反映', '被征收户反映', '多户村民联名反映'],
    what: [
      '村里征地补偿款迟迟未发放',
      '对拆迁补偿标准有异议，认为评估价过低',
      '安置房过了交付期限仍未交房，过渡费停发',
      '青苗补偿和地上附着物补偿未到位',
    ],
    ask: ['要求公开补偿方案。', '要求按时发放补偿款。', '请求有关部门答复。'],
  },
  {
    category: 'forest_land',
    kind: 'dispute',
    department: 'ZRZYJ',
    departmentShare: 0.6,
    summaries: ['土地承包经营权纠纷', '耕地边界争议', '林地权属纠纷', '土地流转租金纠纷'],
    who: ['承包户反映', '村民之间', '两个村民小组之间'],
    what: ['承包地被他人强行耕种', '两家耕地地界不清，犁地时越界', '林地权属不清，双方都砍伐树木', '土地流转后承租方拖欠租金'],
    ask: ['要求确认承包经营权。', '请求勘界。', '要求支付流转租金。'],
  },
  {
    category: 'environment',
    kind: 'petition',
    department: 'ZJJ',
    departmentShare: 0.45,
    summaries: ['餐馆油烟扰民', '工厂排放异味', '垃圾站臭味', '夜间施工噪声'],
    who: ['居民反映', '周边住户反映', '多名群众反映'],
    what: [
      '楼下餐馆油烟直排，影响居民生活数月',
      '附近工厂夜间排放刺鼻气味',
      '垃圾中转站臭气熏天，污水横流',
      '附近工地夜间施工，噪声超标，影响休息',
    ],
    ask: ['要求整改。', '请求环保部门查处。', '希望尽快处理。'],
  },
  {
    category: 'medical',
    kind: 'dispute',
    department: 'FT',
    departmentShare: 0.4,
    summaries: ['医疗纠纷', '手术并发症赔偿', '诊疗过错争议', '药品不良反应'],
    who: ['患者家属反映', '患者反映'],
    what: [
      '手术后出现并发症，要求医院赔偿',
      '认为医院诊断延误导致病情加重',
      '在诊所输液后出现过敏反应',
      '住院期间摔倒骨折，与医院对责任有争议',
    ],
    ask: ['要求医院赔偿。', '请求医疗纠纷调解委员会调解。', '要求查明原因。'],
  },
  {
    category: 'traffic',
    kind: 'dispute',
    department: 'FT',
    departmentShare: 0.3,
    summaries: ['交通事故赔偿', '车辆乱停占道', '电动车事故纠纷', '停车位争议'],
    who: ['当事人反映', '车主反映', '居民反映'],
    what: [
      '电动车与货车相撞，对方拒绝赔偿医疗费',
      '小区门口长期有车辆乱停，影响通行',
      '倒车时刮蹭行人，双方对赔偿数额争议较大',
      '车位被人长期占用',
    ],
    ask: ['要求赔偿医疗费和车辆维修费。', '请求交警和社区协调。', '要求对方赔偿。'],
  },
  {
    category: 'other',
    kind: 'help',
    department: 'XFJ',
    departmentShare: 0.3,
    summaries: ['政策咨询', '低保申请咨询', '办事求助', '户籍办理咨询'],
    who: ['群众来访', '老人咨询', '居民来电'],
    what: ['咨询低保申请条件和办理流程', '想了解残疾人补贴的申请办法', '咨询养老保险补缴政策', '询问户口迁移需要的材料'],
    ask: ['请求告知办理流程。', '希望得到帮助。'],
  },
];

/** Four narratives per summary, made by cycling through the parts (so every category has as many templates). */
const TEMPLATES = STORIES.flatMap((s, si) =>
  s.summaries.slice(0, 4).flatMap((summary, i) =>
    Array.from({ length: 4 }, (_, j) => {
      const n = i * 4 + j + si;
      const isPetition = s.petitionShare !== undefined && (n * 7) % 20 < s.petitionShare * 20;
      return {
        category: s.category,
        kind: isPetition ? 'petition' : s.kind,
        department: s.department,
        departmentShare: s.departmentShare,
        summary,
        narrative: `${s.who[n % s.who.length]}，${s.what[(n * 3 + j) % s.what.length]}，${s.ask[(n + j) % s.ask.length]}`,
      };
    }),
  ),
);

const CHANNELS = ['walk_in', 'phone', 'online', 'grid', 'letter', 'transfer', 'camera'];

const arr = (values: string[]) => `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;

/** Generates `count` cases registered between `from` and `to` (chunks of `chunk` per statement). Returns how many. */
/** The seed of the chunk numbered from `first` (exported for its test): distinct for distinct numbers, in [-1, 1). */
export const chunkSeed = (first: number) => ((first * 0.6180339887498949) % 1) * 2 - 1;

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
  /**
   * Chunks loaded at once, each in its own transaction on its own connection (a benchmark's millions: one chunk keeps
   * one core busy, two keep both). The pool must hold as many connections. Each chunk's history is the same either way.
   */
  parallel?: number;
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
  const departments = arr(TEMPLATES.map((t) => t.department));
  const departmentShares = `{${TEMPLATES.map((t) => t.departmentShare).join(',')}}`;
  const starts: number[] = [];
  for (let a = first; a < first + opts.count; a += chunk) starts.push(a);
  let done = 0;
  let failed = false;
  const loadChunk = async (a: number) => {
    const b = Math.min(first + opts.count, a + chunk);
    await db.transaction(async (tx) => {
      // The same history on every load (the tests train the routing model on it and expect its answers): random()
      // seeded per chunk, from the chunk's first number spread over [-1, 1) by the golden ratio, so no two chunks of a
      // load share a seed (a seed from the number modulo 10,000 repeated every 200,000-case chunk); the ids
      // (gen_random_uuid) stay random.
      await tx.execute(sql`select setseed(${chunkSeed(a)})`);
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
        -- Each category's department (labour → 劳动保障监察大队…), where the district has it.
        template_depts as (
          select array_agg(u.id order by t.ti) ids, array_agg(u.path order by t.ti) paths
          from unnest(${departments}::text[]) with ordinality t(suffix, ti)
          left join units u on u.district_code = ${d} and u.code = ${d} || '-' || t.suffix
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
            -- A category's department takes its share at district level; the rest is settled in the village or the town.
            case when s.r_level < (${departmentShares}::float8[])[s.ti] then 'district'
                 when s.r_level < (1 + (${departmentShares}::float8[])[s.ti]) / 2 then 'town' else 'village' end as level
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
               when x.level = 'village' then p.ids[x.pi] when x.level = 'town' then p.town_ids[x.pi] else coalesce(td.ids[x.ti], dp.ids[1 + x.di % dp.n]) end as lead_unit_id,
          case when x.is_rejected or x.is_escalated or x.age < 1 then null
               when x.level = 'village' then p.paths[x.pi] when x.level = 'town' then p.town_paths[x.pi] else coalesce(td.paths[x.ti], dp.paths[1 + x.di % dp.n]) end as lead_unit_path,
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
        from shaped x, places p, depts dp, template_depts td`);
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
        insert into case_clocks (district_code, case_id, unit_path, stage, days, unit, warn_percent, legal_basis, started_at, started_on, due_date, stopped_at, is_overdue_at_stop)
        select h.district_code, h.id, h.unit_path, 'handling', 20, 'working', 80, '本中心办理时限（演示历史数据）', h.created_at,
          (h.created_at at time zone 'Asia/Shanghai')::date,
          case when h.is_late then (h.concluded_at at time zone 'Asia/Shanghai')::date - 3 else (h.concluded_at at time zone 'Asia/Shanghai')::date + 5 end,
          h.concluded_at, h.is_late
        from h_cases h where h.is_concluded`);
      // Cases still being handled have a running clock: the slow ones are past it (red on the boards).
      await tx.execute(sql`
        insert into case_clocks (district_code, case_id, unit_path, stage, days, unit, warn_percent, legal_basis, started_at, started_on, due_date)
        select h.district_code, h.id, h.unit_path, 'handling', 20, 'working', 80, '本中心办理时限（演示历史数据）', h.created_at,
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
    done += b - a;
    opts.onProgress?.(done);
  };
  // Workers take the next chunk until none is left; the first failure stops the others after their current chunk.
  const worker = async () => {
    for (let a; !failed && (a = starts.shift()) !== undefined;) {
      try {
        await loadChunk(a);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel ?? 1) }, worker));
  return opts.count;
}
