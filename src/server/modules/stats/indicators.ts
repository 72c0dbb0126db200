import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { addDays, shanghaiDate, startOfShanghaiDate, lastDayOfMonth } from '../../../shared/calendar.js';
import { CASE_KINDS, CATEGORIES, CHANNELS, type CaseKind, type Category } from '../../../shared/enums.js';
import {
  BREAKDOWN_MEASURES,
  MEASURE_KEYS,
  RATE_KEYS,
  emptyCounts,
  rateOf,
  type Measure,
  type MeasureCounts,
  type RollupGrain,
} from '../../../shared/indicators.js';
import { cockpitSchema, type Cockpit, type CockpitQuery, type LiveFigure, type MediationForm } from '../../../shared/schemas/stats.js';
import { SharedComputations } from '../../lib/shared-computation.js';
import type { Db } from '../../db/client.js';
import { units } from '../../db/schema.js';
import { sqlList } from '../../db/schema/columns.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import type { UnitRow } from '../units/units.repository.js';
import { OPEN_STATUSES } from '../../../shared/case-lifecycle.js';
import { breakdownScope, columnOf } from './case-stats.js';
import { coverPeriod } from './periods.js';

/** The unit whose area a figure covers: the one asked for if it lies in the viewer's jurisdiction, else the viewer's. */
export async function unitInJurisdiction(db: Db, actor: Actor, unitId: string | undefined): Promise<UnitRow> {
  const [u] = await db
    .select()
    .from(units)
    .where(and(eq(units.districtCode, actor.districtCode), eq(units.id, unitId ?? actor.unitId)));
  if (!u) throw new AppError('UNIT_NOT_FOUND', { unitId });
  // A street leader sees the street's figures and nothing beside or above it.
  if (!u.path.startsWith(actor.unitPath)) throw new AppError('STATS_UNIT_OUTSIDE_JURISDICTION', { unitId });
  return u;
}

function countsOf(row: Record<string, unknown>): MeasureCounts {
  const c = emptyCounts();
  for (const m of MEASURE_KEYS) c[m] = Number(row[m] ?? 0);
  return c;
}

function ratesOf(c: MeasureCounts) {
  return Object.fromEntries(RATE_KEYS.map((r) => [r, rateOf(c, r)])) as Cockpit['rates'];
}

/**
 * Rows of a rollup under the unit (and of one kind) whose signed sum is exactly [from, to], as a derived table `d`
 * (for the breakdown of a district or street, kept as an area, the unit's own rows: their `unit_id` is the unit's)
 * with a `period` column and the counters asked for (see `coverPeriod`), plus the changes not yet folded into the
 * rollup (`case_stats_pending`, one row per day; its `period` is that day, which every grouping by grain truncates
 * correctly). One statement reads both, so a fold committing meanwhile is seen either wholly or not at all.
 * `grains`: coarse to fine, ending with 'day'.
 */
export function rollupRows(opts: {
  table: 'case_stats_units' | 'case_stats_breakdown';
  columns: string[];
  districtCode: string;
  unitPath: string;
  from: string;
  to: string;
  grains: readonly RollupGrain[];
  kind?: CaseKind;
  dimension?: 'category' | 'channel';
}): SQL {
  const isBreakdown = opts.table === 'case_stats_breakdown';
  const extra = isBreakdown ? sql.raw(', dimension, key') : sql``;
  const others = sql`${opts.kind ? sql`and kind = ${opts.kind}` : sql``} ${opts.dimension ? sql`and dimension = ${opts.dimension}` : sql``}`;
  const filters = sql`and unit_path like ${`${opts.unitPath}%`} ${others}`;
  // The breakdown of a district or street is kept as an area (schema/stats.ts): its own rows. A deeper unit's are its
  // places' rows, named by id: the breakdown's key begins with the unit, so each place is one range of its index.
  const scope = isBreakdown ? breakdownScope(opts.unitPath) : null;
  const rollupFilters = !scope
    ? filters
    : 'areaId' in scope
      ? sql`and unit_id = ${scope.areaId}::uuid ${others}`
      : sql`and unit_id = any(select u.id from units u where u.district_code = ${opts.districtCode} and u.path like ${`${scope.placesUnder}%`}) ${others}`;
  const parts = coverPeriod(opts.from, opts.to, opts.grains, shanghaiDate(new Date())).map(
    (
      s,
    ) => sql`select period, unit_id, unit_path, kind${extra}, ${sql.raw(opts.columns.map((c) => (s.sign < 0 ? `-${c} as ${c}` : c)).join(', '))}
      from ${sql.raw(opts.table)} where district_code = ${opts.districtCode} and grain = ${s.grain} and period between ${s.from}::date and ${s.to}::date
        ${rollupFilters}`,
  );
  const pending = isBreakdown
    ? sql`select day as period, unit_id, unit_path, kind, dimension, key, ${sql.raw(opts.columns.join(', '))}
        from case_stats_pending p cross join lateral (values ('category', p.category), ('channel', p.channel)) x(dimension, key)
        where district_code = ${opts.districtCode} and day between ${opts.from}::date and ${opts.to}::date ${filters}`
    : sql`select day as period, unit_id, unit_path, kind, ${sql.raw(opts.columns.join(', '))}
        from case_stats_pending where district_code = ${opts.districtCode} and day between ${opts.from}::date and ${opts.to}::date ${filters}`;
  return sql`(${sql.join([...parts, pending], sql` union all `)}) d`;
}

const ALL_COLUMNS = MEASURE_KEYS.map(columnOf);
const sumsAs = (measures: readonly Measure[]) => sql.raw(measures.map((m) => `coalesce(sum(${columnOf(m)}), 0)::int as "${m}"`).join(', '));

/**
 * The leader's cockpit: every counted figure of the period under the unit, its rates, the breakdowns and the trend —
 * summed from the rollups (a few rows per unit, whatever the period) — plus the live figures counted from the cases
 * as they stand. The four reads run at once, each on its own connection.
 */
export async function readCockpit(opts: {
  db: Db;
  actor: Actor;
  query: CockpitQuery;
  /** Cockpits asked for within this many ms share one reading (lib/shared-computation.ts); 0: none shared. */
  shareMs?: number;
}): Promise<Cockpit> {
  const { db, actor, query } = opts;
  // Ten years at most: beyond that a dashboard says nothing a person can act on, and the sum would grow without bound.
  if (query.from > query.to || query.to > addDays(query.from, 3660))
    throw new AppError('PERIOD_INVALID', { from: query.from, to: query.to });
  const unit = await unitInJurisdiction(db, actor, query.unitId);
  // The viewer may see this unit (checked just now): the figures are the unit's and the query's, whoever asks.
  const key = JSON.stringify([actor.districtCode, unit.id, query.from, query.to, query.kind ?? null, query.grain]);
  const compute = () => computeCockpit(db, actor.districtCode, unit, query);
  if (!opts.shareMs) return compute();
  let shared = sharedCockpits.get(db);
  if (!shared || shared.ttlMs !== opts.shareMs) sharedCockpits.set(db, (shared = new SharedComputations<Cockpit>(opts.shareMs)));
  return shared.get(key, compute);
}

/**
 * Computes the district's cockpit before the first request (main.ts), as the first leader would ask for it — this year
 * by month, then the last 30 days by week — a few times over, each answer checked against the route's answer schema:
 * the server's first runs of the cockpit's code, its statements on the pooled connections and the schema's compiled
 * check (zod compiles it on first use) are then not a leader's. The first view after a restart took 4.6× a warm one
 * with a single run here (130 vs 28 ms at a million cases; docs/PERFORMANCE.md). Nothing is kept; a view computes afresh.
 */
export async function warmCockpit(db: Db, districtCode: string, rounds = 3): Promise<Cockpit | null> {
  const [root] = await db
    .select()
    .from(units)
    .where(and(eq(units.districtCode, districtCode), isNull(units.parentId)))
    .limit(1);
  if (!root) return null;
  const today = shanghaiDate(new Date());
  const year = { from: `${today.slice(0, 4)}-01-01`, to: today, grain: 'month' } as const;
  const month = { from: addDays(today, -29), to: today, grain: 'week' } as const;
  let cockpit: Cockpit | undefined;
  for (let i = 0; i < rounds; i++) {
    cockpit = cockpitSchema.parse(await computeCockpit(db, districtCode, root, year));
    cockpitSchema.parse(await computeCockpit(db, districtCode, root, month));
  }
  return cockpit ?? null;
}

/** Per database (tests run several in one process). */
const sharedCockpits = new WeakMap<Db, SharedComputations<Cockpit>>();

async function computeCockpit(
  db: Db,
  d: string,
  unit: Awaited<ReturnType<typeof unitInJurisdiction>>,
  query: CockpitQuery,
): Promise<Cockpit> {
  const base = { districtCode: d, unitPath: unit.path, from: query.from, to: query.to, kind: query.kind };
  const childOf = sql.raw(`nullif(split_part(substr(d.unit_path, ${unit.path.length + 1}), '/', 1), '')`);
  const settle = <T>(p: PromiseLike<T>): Promise<T> => {
    // Started now, awaited below. A drizzle query is a lazy thenable that runs its statement again on every `then`
    // (drizzle-orm/query-promise.js): made a Promise once here, so `.catch` and the later `await` share one run — the
    // trend and breakdown statements ran twice per cockpit before (bench:cockpit, PG_STATS=1). The catch keeps a
    // failure of one from going unhandled while another is awaited.
    const started = Promise.resolve(p);
    started.catch(() => undefined);
    return started;
  };
  const live = settle(readLiveFigures(db, d, unit, query));
  const routingAcceptance = settle(readRoutingAcceptance(db, d, unit, query));
  const trendRows = settle(
    db.execute<{ bucket: string; received: number; concluded: number; settled: number }>(sql`
      select date_trunc(${query.grain}, d.period::timestamp)::date::text as bucket, ${sumsAs(['received', 'concluded', 'settled'])}
      from ${rollupRows({ ...base, table: 'case_stats_units', columns: ['received', 'concluded', 'settled'], grains: [query.grain, 'day'] })}
      group by 1 order by 1`),
  );
  const breakdownRows = settle(
    db.execute<{ dimension: 'category' | 'channel'; key: string; received: number; concluded: number; settled: number }>(sql`
      select d.dimension, d.key, ${sumsAs(['received', 'concluded', 'settled'])}
      from ${rollupRows({ ...base, table: 'case_stats_breakdown', columns: ['received', 'concluded', 'settled'], grains: ['year', 'month', 'day'] })}
      group by d.dimension, d.key`),
  );
  const { rows } = await db.execute<Record<string, unknown> & { g: number; child: string | null; kind: CaseKind; unit_id: string }>(sql`
    select grouping(${childOf}, d.kind, d.unit_id) as g, ${childOf} as child, d.kind, d.unit_id, ${sumsAs(MEASURE_KEYS)}
    from ${rollupRows({ ...base, table: 'case_stats_units', columns: ALL_COLUMNS, grains: ['year', 'month', 'day'] })}
    group by grouping sets ((${childOf}), (d.kind), (d.unit_id))`);
  // grouping() sets a bit per column NOT grouped by: 0b011 = the child column only, and so on.
  const set = (bit: number) => rows.filter((r) => Number(r.g) === (0b111 ^ (1 << bit)));
  const byChild = set(2);
  const total = emptyCounts();
  for (const r of byChild) for (const m of MEASURE_KEYS) total[m] += Number(r[m] ?? 0);

  const childIds = byChild.map((r) => r.child).filter((x): x is string => x !== null);
  const placeIds = set(0).map((r) => r.unit_id);
  const named = await unitNames(db, d, [...childIds, ...placeIds]);

  const byUnit = byChild
    .map((r) => {
      const c = countsOf(r);
      return {
        unitId: r.child,
        unitName: r.child ? (named.get(r.child)?.name ?? '—') : `${unit.name}（本级）`,
        counts: c,
        rates: ratesOf(c),
      };
    })
    .sort((a, b) => b.counts.received - a.counts.received);

  const hotspots = set(0)
    .map((r) => {
      const u = named.get(r.unit_id);
      return {
        unitId: r.unit_id,
        unitName: u?.name ?? '—',
        unitKind: u?.kind ?? 'grid',
        parentName: u?.parentName ?? null,
        received: Number(r.received),
      };
    })
    .filter((h) => h.received > 0)
    .sort((a, b) => b.received - a.received)
    .slice(0, 10);

  const breakdown = (await breakdownRows).rows;
  const of = (dimension: 'category' | 'channel', key: string) => breakdown.find((r) => r.dimension === dimension && r.key === key);
  const trend = (await trendRows).rows
    .map((r) => ({ bucket: r.bucket, received: Number(r.received), concluded: Number(r.concluded), settled: Number(r.settled) }))
    .filter((r) => r.received !== 0 || r.concluded !== 0 || r.settled !== 0);

  return {
    period: { from: query.from, to: query.to },
    unit: { id: unit.id, name: unit.name, kind: unit.kind },
    counts: total,
    rates: ratesOf(total),
    live: await live,
    byChannel: CHANNELS.map((key) => ({ key, received: Number(of('channel', key)?.received ?? 0) })),
    byKind: CASE_KINDS.map((key) => ({ key, received: Number(set(1).find((r) => r.kind === key)?.received ?? 0) })),
    byCategory: CATEGORIES.map((key) => {
      const r = of('category', key);
      return { key, received: Number(r?.received ?? 0), concluded: Number(r?.concluded ?? 0), settled: Number(r?.settled ?? 0) };
    }).sort((a, b) => b.received - a.received),
    byUnit,
    hotspots,
    trend,
    routingAcceptance: await routingAcceptance,
    generatedAt: new Date().toISOString(),
  };
}

/**
 * 智能分类建议采纳率 of the period under the unit: of the routing suggestions shown (`routing_feedback`, written by
 * `recordRoutingFeedback` in modules/learning/routing.ts), the share staff took. A feedback row names no case, so the
 * area is the one of the staff member who saw it (their unit under the chosen unit); the case-kind filter does not
 * apply. None shown: the rate is null (the cockpit shows "—"), never 0 %.
 */
export async function readRoutingAcceptance(
  db: Db,
  districtCode: string,
  unit: Pick<UnitRow, 'path'>,
  period: { from: string; to: string },
): Promise<Cockpit['routingAcceptance']> {
  const { rows } = await db.execute<{ shown: number; accepted: number }>(sql`
    select count(*)::int as shown, count(*) filter (where f.is_accepted)::int as accepted
    from routing_feedback f
    join users u on u.district_code = f.district_code and u.id = f.user_id
    join units n on n.district_code = u.district_code and n.id = u.unit_id
    where f.district_code = ${districtCode} and n.path like ${`${unit.path}%`}
      and f.created_at >= ${startOfShanghaiDate(period.from)} and f.created_at < ${startOfShanghaiDate(addDays(period.to, 1))}`);
  const shown = Number(rows[0]?.shown ?? 0);
  const accepted = Number(rows[0]?.accepted ?? 0);
  return { shown, accepted, rate: shown === 0 ? null : Math.round((accepted / shown) * 1000) / 10 };
}

async function unitNames(db: Db, districtCode: string, ids: string[]) {
  const out = new Map<string, { name: string; kind: string; parentName: string | null }>();
  if (ids.length === 0) return out;
  const { rows } = await db.execute<{ id: string; name: string; kind: string; parent_name: string | null }>(sql`
    select u.id, u.name, u.kind, p.name as parent_name from units u
    left join units p on p.district_code = u.district_code and p.id = u.parent_id
    where u.district_code = ${districtCode} and u.id = any(${`{${[...new Set(ids)].join(',')}}`}::uuid[])`);
  for (const r of rows) out.set(r.id, { name: r.name, kind: r.kind, parentName: r.parent_name });
  return out;
}

/** Figures of the moment under the unit: open, overdue and high-risk cases, open packages, open camera alerts; urges of the period. */
async function readLiveFigures(db: Db, districtCode: string, unit: UnitRow, query: CockpitQuery): Promise<Record<LiveFigure, number>> {
  const today = shanghaiDate(new Date());
  const prefix = `${unit.path}%`;
  const kind = query.kind ? sql`and c.kind = ${query.kind}` : sql``;
  // Every case of the district lies under its root: for the whole district of every kind, clocks and urges need not
  // look up their cases at all; clocks and urges carry their case's place, so only a kind makes their counts read cases
  // (a street's urges of the year were a probe of the case of every urge of the district: docs/PERFORMANCE.md).
  const everyCase = unit.depth === 0 && !query.kind;
  const open = sqlList(OPEN_STATUSES);
  const count = async (q: SQL) => Number((await db.execute<{ n: number }>(q)).rows[0]!.n);
  // The open and mass-risk figures are sums of the openNow / openMassRisk measures over every period (the unit rollup's
  // year rows under the unit, plus the changes not yet folded: one statement, so a fold is seen wholly or not at all) —
  // a few rows per place whatever the number of cases; counting the open cases of a district of ten million read
  // hundreds of thousands of index entries at every view (docs/PERFORMANCE.md, twelfth round). The other counts read
  // small indexes, each on its own connection at once (a single statement would run them one after another).
  const under = everyCase ? sql`` : sql`and unit_path like ${prefix}`;
  const ofKind = query.kind ? sql`and kind = ${query.kind}` : sql``;
  const openFigures = db
    .execute<{ open: number; mass_risk: number }>(
      sql`select coalesce(sum(open_now), 0)::int as open, coalesce(sum(open_mass_risk), 0)::int as mass_risk from (
        select open_now, open_mass_risk from case_stats_units
        where district_code = ${districtCode} and grain = 'year' and (open_now <> 0 or open_mass_risk <> 0) ${under} ${ofKind}
        union all
        select open_now, open_mass_risk from case_stats_pending where district_code = ${districtCode} ${under} ${ofKind}
      ) x`,
    )
    .then(({ rows }) => rows[0]!);
  const [openRow, overdue, openPackages, urged, cameraAlerts] = await Promise.all([
    openFigures,
    everyCase
      ? count(sql`select count(distinct k.case_id)::int as n from case_clocks k
          where k.district_code = ${districtCode} and k.stopped_at is null and k.paused_on is null and k.due_date < ${today}::date`)
      : !query.kind
        ? count(sql`select count(distinct k.case_id)::int as n from case_clocks k
          where k.district_code = ${districtCode} and k.unit_path like ${prefix} and k.stopped_at is null and k.paused_on is null and k.due_date < ${today}::date`)
        : count(sql`select count(distinct k.case_id)::int as n from case_clocks k
          join cases c on c.district_code = k.district_code and c.id = k.case_id
          where k.district_code = ${districtCode} and k.stopped_at is null and k.paused_on is null and k.due_date < ${today}::date
            and c.unit_path like ${prefix} ${kind}`),
    count(
      sql`select count(*)::int as n from case_packages p where p.district_code = ${districtCode} and p.status = 'open' and p.unit_path like ${prefix}`,
    ),
    everyCase
      ? count(sql`select count(*)::int as n from case_urges g
          where g.district_code = ${districtCode} and g.urged_at >= ${startOfShanghaiDate(query.from)} and g.urged_at < ${startOfShanghaiDate(addDays(query.to, 1))}`)
      : !query.kind
        ? count(sql`select count(*)::int as n from case_urges g
          where g.district_code = ${districtCode} and g.unit_path like ${prefix}
            and g.urged_at >= ${startOfShanghaiDate(query.from)} and g.urged_at < ${startOfShanghaiDate(addDays(query.to, 1))}`)
        : count(sql`select count(*)::int as n from case_urges g join cases c on c.district_code = g.district_code and c.id = g.case_id
          where g.district_code = ${districtCode} and g.unit_path like ${prefix} ${kind}
            and g.urged_at >= ${startOfShanghaiDate(query.from)} and g.urged_at < ${startOfShanghaiDate(addDays(query.to, 1))}`),
    count(sql`select count(*)::int as n from camera_alerts a join cases c on c.district_code = a.district_code and c.id = a.case_id
        where a.district_code = ${districtCode} and c.unit_path like ${prefix} and c.status in (${open})`),
  ]);
  return { open: Number(openRow.open), overdue, massRisk: Number(openRow.mass_risk), openPackages, urged, cameraAlerts };
}

/** 人民调解月度统计表: disputes by category for one month under the unit — received, concluded, settled, agreements, by level. */
export async function readMediationForm(opts: { db: Db; actor: Actor; month: string; unitId?: string }): Promise<MediationForm> {
  const { db, actor, month } = opts;
  const unit = await unitInJurisdiction(db, actor, opts.unitId);
  const from = `${month}-01`;
  // Day 0 of the next month is the month's last day.
  const to = lastDayOfMonth(month);
  const { rows } = await db.execute<Record<string, unknown> & { category: Category }>(sql`
    select d.key as category, ${sumsAs(BREAKDOWN_MEASURES)}
    from ${rollupRows({ table: 'case_stats_breakdown', columns: BREAKDOWN_MEASURES.map(columnOf), districtCode: actor.districtCode, unitPath: unit.path, from, to, grains: ['month', 'day'], kind: 'dispute', dimension: 'category' })}
    group by d.key`);
  return {
    month,
    unit: { id: unit.id, name: unit.name },
    rows: CATEGORIES.map((category) => {
      const c = countsOf(rows.find((r) => r.category === category) ?? {});
      return {
        category,
        received: c.received,
        concluded: c.concluded,
        settled: c.settled,
        agreements: c.agreements,
        levelVillage: c.levelVillage,
        levelTown: c.levelTown,
        levelDistrict: c.levelDistrict,
      };
    }),
  };
}
