import { sql, type SQL } from 'drizzle-orm';
import { OPEN_STATUSES } from '../../../shared/case-lifecycle.js';
import {
  BREAKDOWN_MEASURES,
  MEASURES,
  MEASURE_KEYS,
  MASS_DISPUTE_PEOPLE,
  ROLLUP_GRAINS,
  type Measure,
  type MeasureDate,
  type RollupGrain,
} from '../../../shared/indicators.js';
import { addDays, startOfShanghaiDate } from '../../../shared/calendar.js';
import type { Figure } from '../../../shared/schemas/stats.js';
import { executePrepared, stillMissing, type Db, type Tx } from '../../db/client.js';
import { listDistricts } from '../../lib/districts.js';
import { sqlListText } from '../../db/schema/columns.js';
import { overdueCondition } from '../deadlines/case-clocks.js';

const OPEN_LIST = sqlListText(OPEN_STATUSES);
/** 群体性 / high-risk: judged high risk or involving many people (on the cases row `alias`). */
const MASS_RISK = (alias: string) => `(${alias}.risk_level = 'high' or ${alias}.people_involved >= ${MASS_DISPUTE_PEOPLE})`;

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
  onTime: 'f.is_on_time',
  late: 'not f.is_on_time',
  levelVillage: "f.settled_level = 'village'",
  levelTown: "f.settled_level = 'town'",
  levelDistrict: "f.settled_level = 'district'",
  followedUp: 'true',
  satisfied: "f.satisfaction in ('satisfied', 'basically_satisfied')",
  escalated: 'true',
  leftVillage: "(f.settled_level in ('town', 'district') or f.escalated_on is not null)",
  openNow: 'f.is_open',
  openMassRisk: 'f.is_open and f.is_mass_risk',
};

export const columnOf = (m: Measure) => m.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The cases a measure counts, with its date in [from, to] (Shanghai dates), as a condition on `case_stats f`. */
export function measureCondition(m: Measure, from: string, to: string): SQL {
  const col = sql.raw(`f.${DATE_COLUMNS[MEASURES[m].date]}`);
  return sql`(${col} between ${from}::date and ${to}::date and ${sql.raw(PREDICATES[m])})`;
}

/**
 * What a case counts as now: one row per case of `cases c` (or of `source`, a WITH entry with the columns of `cases`),
 * computed from the case, its lead unit (`lvl`) and its last handling clock.
 */
const factsFrom = (source: string) => `
  select c.district_code, c.id as case_id, c.unit_id, c.unit_path, c.kind, c.category, c.channel,
    (c.created_at at time zone 'Asia/Shanghai')::date as received_on,
    case when c.status = 'registered' then null when c.reject_reason is not null then 'rejected' else 'accepted' end as decision,
    case when c.outcome is not null and c.concluded_at is not null then (c.concluded_at at time zone 'Asia/Shanghai')::date end as concluded_on,
    case when c.concluded_at is not null then c.outcome end as outcome,
    case when c.outcome is not null and c.concluded_at is not null then
      case when lvl.kind is null or lvl.kind = 'district' then 'district' when lvl.kind = 'street' then 'town' else 'village' end
    end as settled_level,
    case when c.outcome is not null and c.concluded_at is not null then (
      select not k.is_overdue_at_stop from case_clocks k
      where k.district_code = c.district_code and k.case_id = c.id and k.stage = 'handling' and k.stopped_at is not null
      order by k.stopped_at desc limit 1
    ) end as is_on_time,
    case when c.followed_up_at is not null and c.satisfaction is not null then (c.followed_up_at at time zone 'Asia/Shanghai')::date end as followed_up_on,
    case when c.followed_up_at is not null then c.satisfaction end as satisfaction,
    case when c.escalated_at is not null and c.status in ('escalated', 'archived') then (c.escalated_at at time zone 'Asia/Shanghai')::date end as escalated_on,
    c.status in (${OPEN_LIST}) as is_open,
    ${MASS_RISK('c')} as is_mass_risk
  from ${source} c
  left join lvl on lvl.id = c.lead_unit_id`;
const FACTS = factsFrom('cases');

/**
 * The ids of unit `u` and of every unit above it, from its path (`/<id>/<id>/…/`, schema/units.ts): looked up by key,
 * a few rows, where `u.path like a.path || '%'` read every unit of the district for each case a step changes.
 */
const ANCESTOR_IDS = (u: string) => `string_to_array(trim(both '/' from ${u}.path), '/')::uuid[]`;

/**
 * Each unit's level: its own kind, or for a department the kind of the nearest territorial unit above it. A recount
 * needs every unit's; a change needs only the lead units of its cases (`$ids`), which keeps a step's refresh small.
 */
const levels = (scope: 'district' | 'ids') => `
  lvl as (
    select u.id, (
      select a.kind from units a
      where a.district_code = u.district_code and a.id = any(${ANCESTOR_IDS('u')}) and a.kind <> 'department'
      order by a.depth desc limit 1
    ) as kind
    from units u where u.district_code = $district
    ${scope === 'ids' ? 'and u.id in (select c2.lead_unit_id from cases c2 where c2.district_code = $district and c2.id = any($ids))' : ''}
  )`;
const LEVELS = levels('district');

const FACT_COLUMNS = [
  'district_code',
  'case_id',
  'unit_id',
  'unit_path',
  'kind',
  'category',
  'channel',
  'received_on',
  'decision',
  'concluded_on',
  'outcome',
  'settled_level',
  'is_on_time',
  'followed_up_on',
  'satisfaction',
  'escalated_on',
  'is_open',
  'is_mass_risk',
];

/** Rows of ±1 per measure and day from the facts in `source` (sign −1: before the change, +1: after). */
function contributions(source = 'delta'): string {
  const dates = Object.keys(DATE_COLUMNS) as MeasureDate[];
  return dates
    .map((d) => {
      const dateCol = DATE_COLUMNS[d];
      const counters = MEASURE_KEYS.map((m) =>
        MEASURES[m].date === d ? `f.sign * coalesce((${PREDICATES[m]})::int, 0) as ${columnOf(m)}` : `0 as ${columnOf(m)}`,
      ).join(', ');
      return `select f.${dateCol} as day, f.unit_id, f.unit_path, f.kind, f.category, f.channel, ${counters} from ${source} f where f.${dateCol} is not null`;
    })
    .join('\n union all\n');
}

const COUNTER_COLUMNS = MEASURE_KEYS.map(columnOf);
const BREAKDOWN_COLUMNS = BREAKDOWN_MEASURES.map(columnOf);
/** The grains the breakdown rollup is kept at (its trend is never drawn by week). */
const BREAKDOWN_GRAINS: readonly RollupGrain[] = ROLLUP_GRAINS.filter((g) => g !== 'week');

const sumsOf = (columns: string[]) => columns.map((c) => `sum(${c}) as ${c}`).join(', ');
const anyNonZero = (columns: string[]) => columns.map((c) => `sum(${c}) <> 0`).join(' or ');
const addTo = (table: string, columns: string[]) => columns.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
const UNIT_KEY = 'district_code, grain, period, unit_id, kind';
const BREAKDOWN_KEY = `${UNIT_KEY}, dimension, key`;
const PENDING_KEY = 'day, unit_id, unit_path, kind, category, channel';
const grainList = (grains: readonly string[]) => `array[${grains.map((g) => `'${g}'`).join(', ')}]`;

/**
 * The deepest units whose breakdown is kept as an area (every case under them): the district (depth 0) and its
 * streets and towns (depth 1) — the views that cover many places. Deeper units are read as the sum of the places
 * under their path, which are few.
 */
export const BREAKDOWN_AREA_DEPTH = 1;

/** The breakdown rows a view of the unit with this path reads: its own area rows, or its places' rows under its path. */
export function breakdownScope(unitPath: string): { areaId: string } | { placesUnder: string } {
  const ids = unitPath.split('/').filter(Boolean);
  return ids.length - 1 <= BREAKDOWN_AREA_DEPTH ? { areaId: ids.at(-1)! } : { placesUnder: unitPath };
}

/**
 * The breakdown rows a place's cases count in, as a lateral derived table `a(id, path)`: each unit of depth up to
 * `BREAKDOWN_AREA_DEPTH` on the place's path `/<id>/<id>/…/` (the district, its street: areas), and the place itself
 * when it lies deeper. No unit gets both kinds of row: a unit is an area or a place by its depth alone.
 */
const breakdownUnitsOf = (placePath: string) => `lateral (
      select x.id::uuid as id, '/' || array_to_string(p.parts[1:x.n], '/') || '/' as path
      from (select string_to_array(trim(both '/' from ${placePath}), '/') as parts) p, unnest(p.parts) with ordinality x(id, n)
      where x.n <= ${BREAKDOWN_AREA_DEPTH + 1} or x.n = cardinality(p.parts)
    ) a`;

/**
 * Continues a WITH list that defined `contrib` (day, unit, kind, category, channel and the counters) with the entries
 * that add it to both rollups at every grain. Rows are upserted in key order, so two folds touching the same rows
 * queue, never deadlock.
 */
function addToRollups(): string {
  return `
  grains as (
    select g.grain, date_trunc(g.grain, c.day::timestamp)::date as period, c.*
    from contrib c cross join unnest(${grainList(ROLLUP_GRAINS)}) g(grain)
  ),
  by_unit as (
    insert into case_stats_units (${UNIT_KEY}, unit_path, ${COUNTER_COLUMNS.join(', ')})
    select $district, grain, period, unit_id, kind, min(unit_path), ${sumsOf(COUNTER_COLUMNS)} from grains
    group by grain, period, unit_id, kind having ${anyNonZero(COUNTER_COLUMNS)} order by grain, period, unit_id, kind
    on conflict (${UNIT_KEY}) do update set unit_path = excluded.unit_path, ${addTo('case_stats_units', COUNTER_COLUMNS)}
    returning 1
  ),
  by_breakdown as (
    insert into case_stats_breakdown (${BREAKDOWN_KEY}, unit_path, ${BREAKDOWN_COLUMNS.join(', ')})
    select $district, g.grain, g.period, a.id, g.kind, x.dimension, x.key, min(a.path), ${sumsOf(BREAKDOWN_COLUMNS)}
    from grains g cross join lateral (values ('category', g.category), ('channel', g.channel)) x(dimension, key)
      cross join ${breakdownUnitsOf('g.unit_path')}
    where g.grain = any(${grainList(BREAKDOWN_GRAINS)})
    group by a.id, g.grain, g.period, g.kind, x.dimension, x.key having ${anyNonZero(BREAKDOWN_COLUMNS)}
    order by a.id, g.grain, g.period, g.kind, x.dimension, x.key
    on conflict (${BREAKDOWN_KEY}) do update set unit_path = excluded.unit_path, ${addTo('case_stats_breakdown', BREAKDOWN_COLUMNS)}
    returning 1
  )`;
}

function bind(text: string, params: { district: string; ids?: string[] }): SQL {
  // One statement with named placeholders; drizzle binds the values (the ids as one array literal parameter, or the
  // one id of `$id`).
  const ids = `{${(params.ids ?? []).join(',')}}`;
  const parts = text.split(/(\$district|\$ids|\$id\b)/);
  const chunks: SQL[] = parts.map((p) =>
    p === '$district'
      ? sql`${params.district}`
      : p === '$ids'
        ? sql`${ids}::uuid[]`
        : p === '$id'
          ? sql`${params.ids?.[0]}::uuid`
          : sql.raw(p),
  );
  return sql.join(chunks, sql.raw(''));
}

/**
 * The WITH entries that store a case's new facts (`saved`) and give its signed difference from the old ones (`delta`),
 * from the entries named `old` and `new`: shared by `REFRESH` and `changedCaseStatsEntries`.
 */
const savedAndDelta = (names: { saved: string; delta: string; old: string; new: string }) => `${names.saved} as (
      insert into case_stats (${FACT_COLUMNS.join(', ')}) select ${FACT_COLUMNS.join(', ')} from ${names.new}
      on conflict (district_code, case_id) do update set ${FACT_COLUMNS.slice(2)
        .map((c) => `${c} = excluded.${c}`)
        .join(', ')}
      returning 1
    ),
    ${names.delta} as (
      select -1 as sign, ${FACT_COLUMNS.map((c) => `${names.old}.${c}`).join(', ')} from ${names.old}
      union all
      select 1 as sign, ${FACT_COLUMNS.map((c) => `${names.new}.${c}`).join(', ')} from ${names.new}
    )`;

const REFRESH = `
    with ${levels('ids')},
    old as (
      select s.* from case_stats s where s.district_code = $district and s.case_id = any($ids) for update
    ),
    new as (${FACTS} where c.district_code = $district and c.id = any($ids)),
    ${savedAndDelta({ saved: 'saved', delta: 'delta', old: 'old', new: 'new' })},
    contrib as (${contributions()})
    insert into case_stats_pending (district_code, ${PENDING_KEY}, ${COUNTER_COLUMNS.join(', ')})
    select $district, ${PENDING_KEY}, ${sumsOf(COUNTER_COLUMNS)} from contrib
    group by ${PENDING_KEY} having ${anyNonZero(COUNTER_COLUMNS)}`;
/** `REFRESH` of one case (`$id`). */
const REFRESH_ONE = REFRESH.replaceAll('= any($ids)', '= $id');

/**
 * The statistics of a case being inserted by the same statement, as WITH entries following `source` (the insert's
 * RETURNING): its `case_stats` row and its first pending contributions — what `refreshCaseStats` would write for it,
 * from the same facts and measures, without another round trip. A new case has no lead unit yet (no level to look up).
 */
export function newCaseStatsEntries(source: string, districtCode: string): string {
  if (!/^\d{6}$/.test(districtCode)) throw new Error('bad district code');
  return `
    lvl as (select null::uuid as id, null::text as kind where false),
    stats_facts as (${factsFrom(source)}),
    stats_row as (
      insert into case_stats (${FACT_COLUMNS.join(', ')}) select ${FACT_COLUMNS.join(', ')} from stats_facts
      returning 1
    ),
    stats_delta as (select 1 as sign, ${FACT_COLUMNS.join(', ')} from stats_facts),
    stats_contrib as (${contributions('stats_delta')}),
    stats_pending as (
      insert into case_stats_pending (district_code, ${PENDING_KEY}, ${COUNTER_COLUMNS.join(', ')})
      select '${districtCode}', ${PENDING_KEY}, ${sumsOf(COUNTER_COLUMNS)} from stats_contrib
      group by ${PENDING_KEY} having ${anyNonZero(COUNTER_COLUMNS)}
      returning 1
    )`;
}

/**
 * `refreshCaseStats` as WITH entries of the statement that changes the cases (`source`: its UPDATE's RETURNING rows,
 * the cases' new state), for a change whose facts need nothing else that the statement writes: it must not stop or
 * start a clock of a concluded case (the on-time fact reads the clocks as they were before the statement) nor write
 * other rows the facts read. The same rows as `refreshCaseStats` writes, one round trip less for each case step.
 * The statement must read `stats_pending` in its main query (so that `stats_old` locks the old facts before the
 * unread `stats_saved` rewrites them, as in `REFRESH`, where the pending insert is the main statement).
 */
export function changedCaseStatsEntries(source: string, districtCode: string): string {
  if (!/^\d{6}$/.test(districtCode)) throw new Error('bad district code');
  const d = `'${districtCode}'`;
  return `
    lvl as (
      select un.id, (
        select a.kind from units a
        where a.district_code = un.district_code and a.id = any(${ANCESTOR_IDS('un')}) and a.kind <> 'department'
        order by a.depth desc limit 1
      ) as kind
      from units un where un.district_code = ${d} and un.id in (select lead_unit_id from ${source})
    ),
    stats_old as (select s.* from case_stats s where s.district_code = ${d} and s.case_id in (select id from ${source}) for update),
    stats_new as (${factsFrom(source)}),
    ${savedAndDelta({ saved: 'stats_saved', delta: 'stats_delta', old: 'stats_old', new: 'stats_new' })},
    stats_contrib as (${contributions('stats_delta')}),
    stats_pending as (
      insert into case_stats_pending (district_code, ${PENDING_KEY}, ${COUNTER_COLUMNS.join(', ')})
      select ${d}, ${PENDING_KEY}, ${sumsOf(COUNTER_COLUMNS)} from stats_contrib
      group by ${PENDING_KEY} having ${anyNonZero(COUNTER_COLUMNS)}
      returning 1
    )`;
}

/**
 * Brings the statistics of these cases up to date, in the caller's transaction: recomputes each case's facts, stores
 * them, and appends the difference (new − old) per day to `case_stats_pending` — rows of this change alone, so
 * concurrent changes never queue on shared counters. `foldCaseStats` moves them into the rollups a moment later;
 * readers add the rows not yet folded, so the dashboards never lag behind a committed change.
 */
export async function refreshCaseStats(tx: Db | Tx, districtCode: string, caseIds: string[]): Promise<void> {
  if (caseIds.length === 0) return;
  // Every case change runs it: prepared once per connection, its plan kept. One case (every step but a batch) has its
  // own text: with an array of ids PostgreSQL judged its generic plan dearer than a custom one and planned the
  // statement anew at every call (1.3 ms of planning for 0.25 ms of work, bench:cases with PG_STATS=1); with one id the
  // generic plan costs the same and is kept.
  if (caseIds.length === 1)
    await executePrepared(tx, 'fq_refresh_one_case_stats', bind(REFRESH_ONE, { district: districtCode, ids: caseIds }));
  else await executePrepared(tx, 'fq_refresh_case_stats', bind(REFRESH, { district: districtCode, ids: caseIds }));
}

/** One fold at a time across instances (a second one would only queue on the same rollup rows). */
const FOLD_LOCK = sql`select pg_try_advisory_xact_lock(hashtextextended('fengqiao:case-stats-fold', 0)) as locked`;

/**
 * Moves appended statistics changes into both rollups at every grain, a district and a batch at a time, each batch in
 * one transaction: the rows are deleted and added to the rollups by one statement, so a crash mid-fold loses and
 * repeats nothing, and a reader (which adds the rows still pending, in its own single statement) sees each change
 * exactly once. Returns how many pending rows it moved.
 */
export async function foldCaseStats(
  db: Db,
  opts: {
    batchSize?: number;
    /** Runs inside each batch's transaction after its statement, before the commit (a test stands in a crash there). */
    afterBatch?: () => Promise<void>;
  } = {},
): Promise<number> {
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 5000));
  let moved = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const { rows: lock } = await tx.execute<{ locked: boolean }>(FOLD_LOCK);
      if (!lock[0]?.locked) return 0;
      // Per district, so each statement stays on one district's rows (a distributed deployment keeps it on one shard).
      let count = 0;
      for (const district of await listDistricts(db)) {
        const { rows } = await tx.execute<{ n: number }>(
          bind(
            `with contrib as (
              delete from case_stats_pending where district_code = $district and id in (
                select id from case_stats_pending where district_code = $district order by id limit ${batchSize} for update skip locked)
              returning *
            ),
            ${addToRollups()}
            select count(*)::int as n from contrib`,
            { district },
          ),
        );
        count += rows[0]!.n;
        await opts.afterBatch?.();
      }
      return count;
    });
    moved += n;
    if (n === 0) return moved;
  }
}

/**
 * Recounts a whole district from its cases in one transaction (after a bulk load, or to repair): rebuilds every
 * `case_stats` row and both rollups — the days from the cases, the coarser grains from the days — and drops what was
 * pending (the recount includes it). The tables are locked meanwhile, so case steps wait instead of being lost.
 */
export async function rebuildCaseStats(db: Db, districtCode: string): Promise<number> {
  return db.transaction(async (tx) => {
    const run = (text: string) => tx.execute(bind(text, { district: districtCode }));
    await tx.execute(sql`lock table case_stats, case_stats_pending, case_stats_units, case_stats_breakdown in exclusive mode`);
    for (const table of ['case_stats_units', 'case_stats_breakdown', 'case_stats_pending', 'case_stats'])
      await run(`delete from ${table} where district_code = $district`);
    const { rowCount } = await run(
      `with ${LEVELS} insert into case_stats (${FACT_COLUMNS.join(', ')}) select ${FACT_COLUMNS.join(', ')} from (${FACTS} where c.district_code = $district) n`,
    );
    const contrib = `with delta as (select 1 as sign, s.* from case_stats s where s.district_code = $district), contrib as (${contributions()})`;
    await run(`${contrib}
      insert into case_stats_units (${UNIT_KEY}, unit_path, ${COUNTER_COLUMNS.join(', ')})
      select $district, 'day', day, unit_id, kind, min(unit_path), ${sumsOf(COUNTER_COLUMNS)} from contrib
      group by day, unit_id, kind having ${anyNonZero(COUNTER_COLUMNS)}`);
    // The breakdown's day rows in two passes (the rows of breakdownUnitsOf, split): the places deeper than the areas,
    // one row per place; then the areas, from the contributions summed per area first. In one pass every contribution
    // was sorted three times over, once per unit it counts in: 5.2 million rows, 1.3 GB sorted on disk for 300,000
    // cases; the two passes take 42 s there instead of 51 (docs/PERFORMANCE.md, ninth round).
    const parts = (path: string) => `string_to_array(trim(both '/' from ${path}), '/')`;
    await run(`${contrib}
      insert into case_stats_breakdown (${BREAKDOWN_KEY}, unit_path, ${BREAKDOWN_COLUMNS.join(', ')})
      select $district, 'day', c.day, c.unit_id, c.kind, x.dimension, x.key, min(c.unit_path), ${sumsOf(BREAKDOWN_COLUMNS)}
      from contrib c cross join lateral (values ('category', c.category), ('channel', c.channel)) x(dimension, key)
      where cardinality(${parts('c.unit_path')}) > ${BREAKDOWN_AREA_DEPTH + 1}
      group by c.unit_id, c.day, c.kind, x.dimension, x.key having ${anyNonZero(BREAKDOWN_COLUMNS)}`);
    await tx.execute(sql`set local work_mem = '128MB'`);
    await run(`${contrib},
      per_area as (
        select day, kind, category, channel, (${parts('unit_path')})[1:${BREAKDOWN_AREA_DEPTH + 1}] as parts,
          ${BREAKDOWN_COLUMNS.map((c) => `sum(${c})::int as ${c}`).join(', ')}
        from contrib group by 1, 2, 3, 4, 5)
      insert into case_stats_breakdown (${BREAKDOWN_KEY}, unit_path, ${BREAKDOWN_COLUMNS.join(', ')})
      select $district, 'day', t.day, a.id::uuid, t.kind, x.dimension, x.key, min('/' || array_to_string(t.parts[1:a.n], '/') || '/'),
        ${sumsOf(BREAKDOWN_COLUMNS)}
      from per_area t cross join unnest(t.parts) with ordinality a(id, n)
        cross join lateral (values ('category', t.category), ('channel', t.channel)) x(dimension, key)
      group by a.id::uuid, t.day, t.kind, x.dimension, x.key having ${anyNonZero(BREAKDOWN_COLUMNS)}`);
    await tx.execute(sql`set local work_mem = default`);
    // Weeks, months and years are sums of days.
    for (const grain of ROLLUP_GRAINS.filter((g) => g !== 'day')) {
      const period = `date_trunc('${grain}', period::timestamp)::date`;
      await run(`insert into case_stats_units (${UNIT_KEY}, unit_path, ${COUNTER_COLUMNS.join(', ')})
        select district_code, '${grain}', ${period}, unit_id, kind, min(unit_path), ${sumsOf(COUNTER_COLUMNS)}
        from case_stats_units where district_code = $district and grain = 'day' group by district_code, ${period}, unit_id, kind`);
      if (!BREAKDOWN_GRAINS.includes(grain)) continue;
      await run(`insert into case_stats_breakdown (${BREAKDOWN_KEY}, unit_path, ${BREAKDOWN_COLUMNS.join(', ')})
        select district_code, '${grain}', ${period}, unit_id, kind, dimension, key, min(unit_path), ${sumsOf(BREAKDOWN_COLUMNS)}
        from case_stats_breakdown where district_code = $district and grain = 'day' group by district_code, ${period}, unit_id, kind, dimension, key`);
    }
    return rowCount ?? 0;
  });
}

/**
 * Counts the cases that have no statistics row yet (an upgrade, a bulk load), a batch at a time, each batch in its own
 * transaction. Cases a step holds locked are skipped (that step's own refresh writes their row), so the backfill never
 * waits on — or deadlocks with — the requests; `no key update` does not conflict with the key-share locks that
 * inserting a case's child rows takes, so such inserts (the search backfill) make it skip nothing. Returns how many it
 * added.
 */
export async function backfillCaseStats(db: Db, batchSize = 1000): Promise<number> {
  let filled = 0;
  let waits = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const { rows } = await tx.execute<{ district_code: string; id: string }>(sql`
        select c.district_code, c.id from cases c
        where not exists (select 1 from case_stats s where s.district_code = c.district_code and s.case_id = c.id)
        order by c.district_code, c.id
        limit ${batchSize}
        for no key update of c skip locked`);
      const byDistrict = new Map<string, string[]>();
      for (const r of rows) byDistrict.set(r.district_code, [...(byDistrict.get(r.district_code) ?? []), r.id]);
      for (const [district, ids] of byDistrict) await refreshCaseStats(tx, district, ids);
      return rows.length;
    });
    if (n === 0) {
      // Rows a step held this round: wait for it to end, then fill them (at most ~10 s of waiting: the next start
      // finishes the rest).
      if (
        ++waits > 50 ||
        !(await stillMissing(db, sql`not exists (select 1 from case_stats s where s.district_code = c.district_code and s.case_id = c.id)`))
      ) {
        // As for the search index (case-search-index.ts): the planner's figures should not be those of the empty table.
        if (filled > 0) await db.execute(sql`analyze case_stats, case_stats_pending`);
        return filled;
      }
      continue;
    }
    filled += n;
  }
}

/** The cases behind a cockpit figure, as a condition on `cases` (the drill-down of the case list). */
export function figureCondition(districtCode: string, figure: Figure, from: string, to: string, today: string): SQL {
  const open = sql.raw(`cases.status in (${OPEN_LIST})`);
  switch (figure) {
    case 'open':
      return open;
    case 'overdue':
      return overdueCondition(districtCode, today);
    case 'massRisk':
      return sql`(${open} and ${sql.raw(MASS_RISK('cases'))})`;
    case 'urged':
      return sql`exists (select 1 from case_urges g where g.district_code = cases.district_code and g.case_id = cases.id
        and g.urged_at >= ${startOfShanghaiDate(from)} and g.urged_at < ${startOfShanghaiDate(addDays(to, 1))})`;
    default:
      return sql`exists (select 1 from case_stats f where f.district_code = cases.district_code and f.case_id = cases.id and ${measureCondition(figure, from, to)})`;
  }
}
