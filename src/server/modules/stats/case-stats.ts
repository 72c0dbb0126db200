import { sql, type SQL } from 'drizzle-orm';
import { OPEN_STATUSES } from '../../../shared/case-lifecycle.js';
import { MEASURES, MEASURE_KEYS, MASS_DISPUTE_PEOPLE, type Measure, type MeasureDate } from '../../../shared/indicators.js';
import { addDays, startOfShanghaiDate } from '../../../shared/calendar.js';
import type { Figure } from '../../../shared/schemas/stats.js';
import type { Db, Tx } from '../../db/client.js';
import { overdueCondition } from '../deadlines/case-clocks.js';

/** The `case_stats` column holding each measure date. */
export const DATE_COLUMNS: Record<MeasureDate, string> = {
  received: 'received_on',
  concluded: 'concluded_on',
  followed_up: 'followed_up_on',
  escalated: 'escalated_on',
};

/**
 * Which cases (rows of `case_stats`, alias `f`) each measure counts, on the day in its date column. The rollup and the
 * drill-down both read these, so a figure and the list behind it cannot disagree. Constants only (no user input).
 */
const PREDICATES: Record<Measure, string> = {
  received: 'true',
  accepted: "f.decision = 'accepted'",
  rejected: "f.decision = 'rejected'",
  concluded: 'true',
  settled: "f.outcome <> 'no_agreement'",
  mediated: "f.outcome in ('agreement', 'no_agreement')",
  agreements: "f.outcome = 'agreement'",
  timed: 'f.is_on_time is not null',
  onTime: 'f.is_on_time = 1',
  late: 'f.is_on_time = 0',
  levelVillage: "f.settled_level = 'village'",
  levelTown: "f.settled_level = 'town'",
  levelDistrict: "f.settled_level = 'district'",
  followedUp: 'true',
  satisfied: "f.satisfaction in ('satisfied', 'basically_satisfied')",
  escalated: 'true',
};

export const columnOf = (m: Measure) => m.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The cases a measure counts, with its date in [from, to] (Shanghai dates), as a condition on `case_stats f`. */
export function measureCondition(m: Measure, from: string, to: string): SQL {
  const col = sql.raw(`f.${DATE_COLUMNS[MEASURES[m].date]}`);
  return sql`(${col} between ${from}::date and ${to}::date and ${sql.raw(PREDICATES[m])})`;
}

/** What a case counts as now: one row per case of `cases c`, computed from the case, its lead unit and its last handling clock. */
const FACTS = `
  select c.district_code, c.id as case_id, c.unit_id, c.unit_path, c.kind, c.category, c.channel,
    (c.created_at at time zone 'Asia/Shanghai')::date as received_on,
    case when c.status = 'registered' then null when c.reject_reason is not null then 'rejected' else 'accepted' end as decision,
    case when c.outcome is not null and c.concluded_at is not null then (c.concluded_at at time zone 'Asia/Shanghai')::date end as concluded_on,
    case when c.concluded_at is not null then c.outcome end as outcome,
    case when c.outcome is not null and c.concluded_at is not null then
      case when lvl.kind is null or lvl.kind = 'district' then 'district' when lvl.kind = 'street' then 'town' else 'village' end
    end as settled_level,
    case when c.outcome is not null and c.concluded_at is not null then (
      select 1 - k.is_overdue_at_stop from case_clocks k
      where k.district_code = c.district_code and k.case_id = c.id and k.stage = 'handling' and k.stopped_at is not null
      order by k.stopped_at desc limit 1
    ) end as is_on_time,
    case when c.followed_up_at is not null and c.satisfaction is not null then (c.followed_up_at at time zone 'Asia/Shanghai')::date end as followed_up_on,
    case when c.followed_up_at is not null then c.satisfaction end as satisfaction,
    case when c.escalated_at is not null and c.status in ('escalated', 'archived') then (c.escalated_at at time zone 'Asia/Shanghai')::date end as escalated_on
  from cases c
  left join lvl on lvl.id = c.lead_unit_id`;

/** Each unit's level: its own kind, or for a department the kind of the nearest territorial unit above it. */
const LEVELS = `
  lvl as (
    select u.id, (
      select a.kind from units a
      where a.district_code = u.district_code and u.path like a.path || '%' and a.kind <> 'department'
      order by a.depth desc limit 1
    ) as kind
    from units u where u.district_code = $district
  )`;

const FACT_COLUMNS = [
  'district_code', 'case_id', 'unit_id', 'unit_path', 'kind', 'category', 'channel', 'received_on', 'decision',
  'concluded_on', 'outcome', 'settled_level', 'is_on_time', 'followed_up_on', 'satisfaction', 'escalated_on',
];

/** Rows of ±1 per measure and day from the facts in `delta` (sign −1: before the change, +1: after). */
function contributions(): string {
  const dates = Object.keys(DATE_COLUMNS) as MeasureDate[];
  return dates
    .map((d) => {
      const dateCol = DATE_COLUMNS[d];
      const counters = MEASURE_KEYS.map((m) =>
        MEASURES[m].date === d ? `f.sign * coalesce((${PREDICATES[m]})::int, 0) as ${columnOf(m)}` : `0 as ${columnOf(m)}`,
      ).join(', ');
      return `select f.${dateCol} as day, f.unit_id, f.unit_path, f.kind, f.category, f.channel, ${counters} from delta f where f.${dateCol} is not null`;
    })
    .join('\n union all\n');
}

const COUNTER_COLUMNS = MEASURE_KEYS.map(columnOf);

/**
 * Continues a WITH list that defined `delta`: adds the difference of its facts to the daily and the monthly rollup.
 * Rows are locked in key order, so two transactions touching the same rows queue instead of deadlocking.
 */
function applyDelta(): string {
  const sums = COUNTER_COLUMNS.map((c) => `sum(${c})`).join(', ');
  const nonZero = COUNTER_COLUMNS.map((c) => `sum(${c}) <> 0`).join(' or ');
  const add = (table: string) => COUNTER_COLUMNS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
  const dims = 'unit_id, kind, category, channel';
  return `
  contrib as (${contributions()}),
  daily as (
    insert into case_stats_daily (district_code, day, ${dims}, unit_path, ${COUNTER_COLUMNS.join(', ')})
    select $district, day, ${dims}, min(unit_path), ${sums} from contrib
    group by day, ${dims} having ${nonZero} order by day, ${dims}
    on conflict (district_code, day, ${dims}) do update set unit_path = excluded.unit_path, ${add('case_stats_daily')}
    returning 1
  )
  insert into case_stats_monthly (district_code, month, ${dims}, unit_path, ${COUNTER_COLUMNS.join(', ')})
  select $district, date_trunc('month', day)::date as month, ${dims}, min(unit_path), ${sums} from contrib
  group by 2, ${dims} having ${nonZero} order by 2, ${dims}
  on conflict (district_code, month, ${dims}) do update set unit_path = excluded.unit_path, ${add('case_stats_monthly')}`;
}

function bind(text: string, params: { district: string; ids?: string[] }): SQL {
  // One statement with named placeholders; drizzle binds the values (the ids as one array literal parameter).
  const ids = `{${(params.ids ?? []).join(',')}}`;
  const parts = text.split(/(\$district|\$ids)/);
  const chunks: SQL[] = parts.map((p) => (p === '$district' ? sql`${params.district}` : p === '$ids' ? sql`${ids}::uuid[]` : sql.raw(p)));
  return sql.join(chunks, sql.raw(''));
}

/**
 * Brings the statistics of these cases up to date, in the caller's transaction: recomputes each case's facts, stores
 * them, and adds (new − old) to the daily rollup. Every registration and every case step calls it, so the dashboards
 * never recount from scratch and never lag behind a committed change.
 */
export async function refreshCaseStats(tx: Db | Tx, districtCode: string, caseIds: string[]): Promise<void> {
  if (caseIds.length === 0) return;
  const statement = `
    with ${LEVELS},
    old as (
      select s.* from case_stats s where s.district_code = $district and s.case_id = any($ids) for update
    ),
    new as (${FACTS} where c.district_code = $district and c.id = any($ids)),
    saved as (
      insert into case_stats (${FACT_COLUMNS.join(', ')}) select ${FACT_COLUMNS.join(', ')} from new
      on conflict (district_code, case_id) do update set ${FACT_COLUMNS.slice(2).map((c) => `${c} = excluded.${c}`).join(', ')}
      returning 1
    ),
    delta as (
      select -1 as sign, ${FACT_COLUMNS.map((c) => `old.${c}`).join(', ')} from old
      union all
      select 1 as sign, ${FACT_COLUMNS.map((c) => `new.${c}`).join(', ')} from new
    ),
    ${applyDelta()}`;
  await tx.execute(bind(statement, { district: districtCode, ids: caseIds }));
}

/**
 * Recounts a whole district from its cases in one transaction (after a bulk load, or to repair): rebuilds every
 * `case_stats` row and the rollup. The tables are locked meanwhile, so case steps wait instead of being lost.
 */
export async function rebuildCaseStats(db: Db, districtCode: string): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`lock table case_stats, case_stats_daily, case_stats_monthly in exclusive mode`);
    await tx.execute(sql`delete from case_stats_daily where district_code = ${districtCode}`);
    await tx.execute(sql`delete from case_stats_monthly where district_code = ${districtCode}`);
    await tx.execute(sql`delete from case_stats where district_code = ${districtCode}`);
    const { rowCount } = await tx.execute(
      bind(`with ${LEVELS} insert into case_stats (${FACT_COLUMNS.join(', ')}) select ${FACT_COLUMNS.join(', ')} from (${FACTS} where c.district_code = $district) n`, { district: districtCode }),
    );
    await tx.execute(bind(`with delta as (select 1 as sign, s.* from case_stats s where s.district_code = $district), ${applyDelta()}`, { district: districtCode }));
    return rowCount ?? 0;
  });
}

/**
 * Counts the cases that have no statistics row yet (an upgrade, a bulk load), a batch at a time, each batch in its own
 * transaction. Returns how many it added.
 */
export async function backfillCaseStats(db: Db, batchSize = 5000): Promise<number> {
  let filled = 0;
  for (;;) {
    const { rows } = await db.execute<{ district_code: string; id: string }>(sql`
      select c.district_code, c.id from cases c
      where not exists (select 1 from case_stats s where s.district_code = c.district_code and s.case_id = c.id)
      limit ${batchSize}`);
    if (rows.length === 0) return filled;
    const byDistrict = new Map<string, string[]>();
    for (const r of rows) byDistrict.set(r.district_code, [...(byDistrict.get(r.district_code) ?? []), r.id]);
    await db.transaction(async (tx) => {
      for (const [district, ids] of byDistrict) {
        // Take the cases' row locks first, as every case step does, so a step on one of them waits or is waited for;
        // the refresh (a later statement) then reads whatever that step committed.
        await tx.execute(sql`select 1 from cases where district_code = ${district} and id = any(${`{${ids.join(',')}}`}::uuid[]) order by id for update`);
        await refreshCaseStats(tx, district, ids);
      }
    });
    filled += rows.length;
  }
}


/** 群体性 / high-risk: an open case judged high risk or involving many people (on `cases c`). */
export const massRiskCondition = sql.raw(`(c.risk_level = 'high' or c.people_involved >= ${MASS_DISPUTE_PEOPLE})`);

/** The cases behind a cockpit figure, as a condition on `cases` (the drill-down of the case list). */
export function figureCondition(districtCode: string, figure: Figure, from: string, to: string, today: string): SQL {
  const open = sql.raw(`cases.status in (${OPEN_STATUSES.map((s) => `'${s}'`).join(',')})`);
  switch (figure) {
    case 'open':
      return open;
    case 'overdue':
      return overdueCondition(districtCode, today);
    case 'massRisk':
      return sql`(${open} and (cases.risk_level = 'high' or cases.people_involved >= ${MASS_DISPUTE_PEOPLE}))`;
    case 'urged':
      return sql`exists (select 1 from case_urges g where g.district_code = cases.district_code and g.case_id = cases.id
        and g.urged_at >= ${startOfShanghaiDate(from)} and g.urged_at < ${startOfShanghaiDate(addDays(to, 1))})`;
    default:
      return sql`exists (select 1 from case_stats f where f.district_code = cases.district_code and f.case_id = cases.id and ${measureCondition(figure, from, to)})`;
  }
}
