import { and, eq, sql, type SQL } from 'drizzle-orm';
import { addDays, shanghaiDate, startOfShanghaiDate } from '../../../shared/calendar.js';
import { CASE_KINDS, CATEGORIES, CHANNELS, type CaseKind, type Category, type Channel } from '../../../shared/enums.js';
import { MEASURE_KEYS, RATE_KEYS, emptyCounts, rateOf, type MeasureCounts } from '../../../shared/indicators.js';
import type { Cockpit, CockpitQuery, LiveFigure, MediationForm } from '../../../shared/schemas/stats.js';
import type { Db } from '../../db/client.js';
import { units } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import type { UnitRow } from '../units/units.repository.js';
import { OPEN_STATUSES } from '../../../shared/case-lifecycle.js';
import { columnOf, massRiskCondition } from './case-stats.js';

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

const SUMS = MEASURE_KEYS.map((m) => `coalesce(sum(${columnOf(m)}), 0)::int as "${m}"`).join(', ');

function countsOf(row: Record<string, unknown>): MeasureCounts {
  const c = emptyCounts();
  for (const m of MEASURE_KEYS) c[m] = Number(row[m] ?? 0);
  return c;
}

function ratesOf(c: MeasureCounts) {
  return Object.fromEntries(RATE_KEYS.map((r) => [r, rateOf(c, r)])) as Cockpit['rates'];
}

const COUNTERS = MEASURE_KEYS.map(columnOf).join(', ');

/** The first day of the month after `day`'s month. */
const nextMonth = (day: string) => {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

/**
 * The rollup rows of [from, to] under the unit (and of one kind) as a derived table `d` with a `day` column: whole
 * months from the monthly rollup (day = the month's first day), the partial months at the edges from the daily one.
 * `byDay`: daily rows only (a trend by week needs the days).
 */
function rollupRows(districtCode: string, unitPath: string, from: string, to: string, opts: { kind?: CaseKind; byDay?: boolean } = {}): SQL {
  const under = sql`district_code = ${districtCode} and unit_path like ${`${unitPath}%`} ${opts.kind ? sql`and kind = ${opts.kind}` : sql``}`;
  const days = (a: string, b: string) =>
    sql`select day, unit_id, unit_path, kind, category, channel, ${sql.raw(COUNTERS)} from case_stats_daily where ${under} and day between ${a}::date and ${b}::date`;
  // Whole months inside the period: from the first 1st on or after `from` up to the month before `to`'s month (or `to`'s, when it is a month end).
  const firstWhole = from.endsWith('-01') ? from : nextMonth(from);
  const afterLast = addDays(to, 1).endsWith('-01') ? addDays(to, 1) : `${to.slice(0, 7)}-01`;
  if (opts.byDay || firstWhole >= afterLast) return sql`(${days(from, to)}) d`;
  const parts = [sql`select month as day, unit_id, unit_path, kind, category, channel, ${sql.raw(COUNTERS)} from case_stats_monthly where ${under} and month >= ${firstWhole}::date and month < ${afterLast}::date`];
  if (from < firstWhole) parts.push(days(from, addDays(firstWhole, -1)));
  if (afterLast <= to) parts.push(days(afterLast, to));
  return sql`(${sql.join(parts, sql` union all `)}) d`;
}

/**
 * The leader's cockpit: every counted figure of the period under the unit, its rates, the breakdowns and the trend —
 * summed from the daily rollup in one pass (grouping sets) — plus the live figures counted from the cases as they stand.
 */
export async function readCockpit(opts: { db: Db; actor: Actor; query: CockpitQuery }): Promise<Cockpit> {
  const { db, actor, query } = opts;
  // Ten years at most: beyond that a dashboard says nothing a person can act on, and the sum would grow without bound.
  if (query.from > query.to || query.to > addDays(query.from, 3660)) throw new AppError('PERIOD_INVALID', { from: query.from, to: query.to });
  const unit = await unitInJurisdiction(db, actor, query.unitId);
  const d = actor.districtCode;
  const source = rollupRows(d, unit.path, query.from, query.to, { kind: query.kind, byDay: query.grain === 'week' });
  const childOf = sql.raw(`nullif(split_part(substr(d.unit_path, ${unit.path.length + 1}), '/', 1), '')`);
  const bucket = sql.raw(`date_trunc('${query.grain}', d.day)::date::text`);
  // The figures of the moment are counted from the cases at the same time, on another connection.
  const live = readLiveFigures(db, d, unit.path, query);
  // Awaited below; this keeps a failure there from going unhandled if the rollup query fails first.
  live.catch(() => undefined);
  const { rows } = await db.execute<Record<string, unknown> & { g: number; child: string | null; channel: Channel; kind: CaseKind; category: Category; unit_id: string; bucket: string }>(sql`
    select grouping(${childOf}, d.channel, d.kind, d.category, d.unit_id, ${bucket}) as g,
      ${childOf} as child, d.channel, d.kind, d.category, d.unit_id, ${bucket} as bucket, ${sql.raw(SUMS)}
    from ${source}
    group by grouping sets ((${childOf}), (d.channel), (d.kind), (d.category), (d.unit_id), (${bucket}))`);
  // grouping() sets a bit per column NOT grouped by: 0b011111 = the child column only, and so on.
  const set = (bit: number) => rows.filter((r) => Number(r.g) === (0b111111 ^ (1 << bit)));
  const byChild = set(5);
  const total = emptyCounts();
  for (const r of byChild) for (const m of MEASURE_KEYS) total[m] += Number(r[m] ?? 0);

  const childIds = byChild.map((r) => r.child).filter((x): x is string => x !== null);
  const placeIds = set(1).map((r) => r.unit_id);
  const named = await unitNames(db, d, [...childIds, ...placeIds]);

  const byUnit = byChild
    .map((r) => {
      const c = countsOf(r);
      return { unitId: r.child, unitName: r.child ? (named.get(r.child)?.name ?? '—') : `${unit.name}（本级）`, counts: c, rates: ratesOf(c) };
    })
    .sort((a, b) => b.counts.received - a.counts.received);

  const hotspots = set(1)
    .map((r) => {
      const u = named.get(r.unit_id);
      return { unitId: r.unit_id, unitName: u?.name ?? '—', unitKind: u?.kind ?? 'grid', parentName: u?.parentName ?? null, received: Number(r.received) };
    })
    .filter((h) => h.received > 0)
    .sort((a, b) => b.received - a.received)
    .slice(0, 10);

  const trend = set(0)
    .map((r) => ({ bucket: r.bucket, received: Number(r.received), concluded: Number(r.concluded), settled: Number(r.settled) }))
    .sort((a, b) => a.bucket.localeCompare(b.bucket));

  return {
    period: { from: query.from, to: query.to },
    unit: { id: unit.id, name: unit.name, kind: unit.kind },
    counts: total,
    rates: ratesOf(total),
    live: await live,
    byChannel: CHANNELS.map((key) => ({ key, received: Number(set(4).find((r) => r.channel === key)?.received ?? 0) })),
    byKind: CASE_KINDS.map((key) => ({ key, received: Number(set(3).find((r) => r.kind === key)?.received ?? 0) })),
    byCategory: CATEGORIES.map((key) => {
      const r = set(2).find((x) => x.category === key);
      return { key, received: Number(r?.received ?? 0), concluded: Number(r?.concluded ?? 0), settled: Number(r?.settled ?? 0) };
    }).sort((a, b) => b.received - a.received),
    byUnit,
    hotspots,
    trend,
    generatedAt: new Date().toISOString(),
  };
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
async function readLiveFigures(db: Db, districtCode: string, unitPath: string, query: CockpitQuery): Promise<Record<LiveFigure, number>> {
  const today = shanghaiDate(new Date());
  const prefix = `${unitPath}%`;
  const kind = query.kind ? sql`and c.kind = ${query.kind}` : sql``;
  const open = sql.raw(OPEN_STATUSES.map((s) => `'${s}'`).join(','));
  const count = async (q: SQL) => Number((await db.execute<{ n: number }>(q)).rows[0]!.n);
  // Six small counts, each on its own connection at once (a single statement would run them one after another).
  const [openCount, overdue, massRisk, openPackages, urged, cameraAlerts] = await Promise.all([
    count(sql`select count(*)::int as n from cases c where c.district_code = ${districtCode} and c.status in (${open}) and c.unit_path like ${prefix} ${kind}`),
    count(sql`select count(distinct k.case_id)::int as n from case_clocks k
        join cases c on c.district_code = k.district_code and c.id = k.case_id
        where k.district_code = ${districtCode} and k.stopped_at is null and k.paused_on is null and k.due_date < ${today}::date
          and c.unit_path like ${prefix} ${kind}`),
    count(sql`select count(*)::int as n from cases c where c.district_code = ${districtCode} and c.status in (${open}) and c.unit_path like ${prefix} ${kind} and ${massRiskCondition}`),
    count(sql`select count(*)::int as n from case_packages p where p.district_code = ${districtCode} and p.status = 'open' and p.unit_path like ${prefix}`),
    count(sql`select count(*)::int as n from case_urges g join cases c on c.district_code = g.district_code and c.id = g.case_id
        where g.district_code = ${districtCode} and c.unit_path like ${prefix} ${kind}
          and g.urged_at >= ${startOfShanghaiDate(query.from)} and g.urged_at < ${startOfShanghaiDate(addDays(query.to, 1))}`),
    count(sql`select count(*)::int as n from camera_alerts a join cases c on c.district_code = a.district_code and c.id = a.case_id
        where a.district_code = ${districtCode} and c.unit_path like ${prefix} and c.status in (${open})`),
  ]);
  return { open: openCount, overdue, massRisk, openPackages, urged, cameraAlerts };
}

/** 人民调解月度统计表: disputes by category for one month under the unit — received, concluded, settled, agreements, by level. */
export async function readMediationForm(opts: { db: Db; actor: Actor; month: string; unitId?: string }): Promise<MediationForm> {
  const { db, actor, month } = opts;
  const unit = await unitInJurisdiction(db, actor, opts.unitId);
  const from = `${month}-01`;
  // Day 0 of the next month is the month's last day.
  const to = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
  const { rows } = await db.execute<Record<string, unknown> & { category: Category }>(sql`
    select d.category, ${sql.raw(SUMS)} from ${rollupRows(actor.districtCode, unit.path, from, to, { kind: 'dispute' })}
    group by d.category`);
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
