/** The command centre’s figures (modules/stats/): one row per case, the rollups, the “三零” board. */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { BREAKDOWN_MEASURES, MEASURE_KEYS, type RollupGrain, type SettledLevel } from '../../../shared/indicators.js';
import {
  ASSESSED_UNIT_TYPES,
  type AssessedUnitType,
  type CaseKind,
  type Category,
  type Channel,
  type Outcome,
  type Satisfaction,
} from '../../../shared/enums.js';
import { district, createdAt, sqlList } from './columns.js';
import { units } from './units.js';
import { cases } from './cases.js';

/**
 * One row per case: what the statistics count it as, at its latest state (`modules/stats/case-stats.ts` keeps it in
 * step with the case in the same transaction). The dates are Asia/Shanghai calendar days.
 */
export const caseStats = pgTable(
  'case_stats',
  {
    districtCode: district(),
    caseId: uuid('case_id').notNull(),
    unitId: uuid('unit_id').notNull(),
    unitPath: text('unit_path').notNull(),
    kind: text('kind').$type<CaseKind>().notNull(),
    category: text('category').$type<Category>().notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    decision: text('decision').$type<'accepted' | 'rejected'>(),
    concludedOn: date('concluded_on', { mode: 'string' }),
    outcome: text('outcome').$type<Outcome>(),
    settledLevel: text('settled_level').$type<SettledLevel>(),
    /** Concluded with a handling clock: whether it stopped by its due date (null: no clock). */
    isOnTime: boolean('is_on_time'),
    followedUpOn: date('followed_up_on', { mode: 'string' }),
    satisfaction: text('satisfaction').$type<Satisfaction>(),
    escalatedOn: date('escalated_on', { mode: 'string' }),
    /** Open now (status in OPEN_STATUSES), and judged high-risk or mass (the openNow and openMassRisk measures). */
    isOpen: boolean('is_open').notNull().default(false),
    isMassRisk: boolean('is_mass_risk').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.caseId] }),
    index('case_stats_received_idx').on(t.districtCode, t.receivedOn),
    index('case_stats_concluded_idx')
      .on(t.districtCode, t.concludedOn)
      .where(sql`${t.concludedOn} is not null`),
    index('case_stats_followed_up_idx')
      .on(t.districtCode, t.followedUpOn)
      .where(sql`${t.followedUpOn} is not null`),
    index('case_stats_escalated_idx')
      .on(t.districtCode, t.escalatedOn)
      .where(sql`${t.escalatedOn} is not null`),
    // The cases carried up beyond the village by received date: the drill-down of the leftVillage figure and the “三零”
    // board's organisations (three-zero.repository.ts; its villages read the rollups).
    index('case_stats_carried_up_idx')
      .on(t.districtCode, t.receivedOn, t.unitId)
      .where(sql`${t.settledLevel} in ('town', 'district') or ${t.escalatedOn} is not null`),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }).onDelete('cascade'),
  ],
);

const counter = (name: string) => integer(name).notNull().default(0);
const counters = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, counter(k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))])) as Record<
    K,
    ReturnType<typeof counter>
  >;
/** What every rollup row is keyed by: the grain, the period's first day, the place unit (with its path) and the kind. */
const rollupKey = () => ({
  districtCode: district(),
  grain: text('grain').$type<RollupGrain>().notNull(),
  period: date('period', { mode: 'string' }).notNull(),
  unitId: uuid('unit_id').notNull(),
  unitPath: text('unit_path').notNull(),
  kind: text('kind').$type<CaseKind>().notNull(),
});

/**
 * The rollup most of the dashboards read: per grain and period (a Shanghai day, an ISO week from its Monday, a month
 * or a year from its 1st), place unit and kind, how many cases each measure counts (each measure by its own date).
 * Kept by adding the difference of a case's `case_stats` row before and after every change, at every grain at once, so
 * a period is a handful of rows per unit: whole years, then whole months, then days (or a year minus what lies
 * outside the period, when that is fewer rows).
 */
export const caseStatsUnits = pgTable('case_stats_units', { ...rollupKey(), ...counters(MEASURE_KEYS) }, (t) => [
  primaryKey({ columns: [t.districtCode, t.grain, t.period, t.unitId, t.kind] }),
]);

/**
 * The breakdowns by category and by channel (`dimension`, `key`), with the counters the cockpit and the monthly
 * mediation form show for them; the same grains (no weeks) and the same upkeep as `case_stats_units`, but the district
 * and its streets and towns are kept as **areas**: a case counts in the rows of the district, of its street, and of its
 * place when that lies deeper (`breakdownUnitsOf`, modules/stats/case-stats.ts), so a district's or street's figures are
 * its own rows — a few dozen a day whatever the number of places under it (before: every place's rows, ≈ 3 a case; the
 * 30-day view read ≈ 49,000 at a million cases). Keyed by the unit first, so a view reads one contiguous range.
 */
export const caseStatsBreakdown = pgTable(
  'case_stats_breakdown',
  {
    ...rollupKey(),
    dimension: text('dimension').$type<'category' | 'channel'>().notNull(),
    key: text('key').notNull(),
    ...counters(BREAKDOWN_MEASURES),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.unitId, t.grain, t.period, t.kind, t.dimension, t.key] })],
);

/**
 * Statistics changes not yet in the rollups. Each case change appends the signed difference of its `case_stats` row,
 * per Shanghai day (one to four rows), in its own transaction — an append, so concurrent changes never wait for each
 * other on shared counters. The fold task (`foldCaseStats`) moves them into both rollups at every grain and deletes
 * them in one transaction; readers add what is still here to the rollups in the same statement, so a figure is never
 * stale and never counted twice.
 */
export const caseStatsPending = pgTable(
  'case_stats_pending',
  {
    districtCode: district(),
    id: bigint('id', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    day: date('day', { mode: 'string' }).notNull(),
    unitId: uuid('unit_id').notNull(),
    unitPath: text('unit_path').notNull(),
    kind: text('kind').$type<CaseKind>().notNull(),
    category: text('category').$type<Category>().notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    ...counters(MEASURE_KEYS),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.id] })],
);

/** "三零" creation: the units assessed — villages/communities of the org tree and organisations (docs/LEGAL-BASIS.md §6). */
export const assessedUnits = pgTable(
  'assessed_units',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    type: text('type').$type<AssessedUnitType>().notNull(),
    /** A village/community: the unit itself; an organisation: the community it lies in. */
    unitId: uuid('unit_id').notNull(),
    /** An organisation's own record among the persons (its credit code): its cases are those it is a party to. */
    personId: uuid('person_id'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    unique('assessed_units_name_key').on(t.districtCode, t.unitId, t.name),
    foreignKey({ columns: [t.districtCode, t.unitId], foreignColumns: [units.districtCode, units.id] }),
    check('assessed_units_type_check', sql`${t.type} in (${sqlList(ASSESSED_UNIT_TYPES)})`),
  ],
);

/** 零事故 / 零案件: figures entered or imported per unit and year, with their source and who entered them. */
export const threeZeroFigures = pgTable(
  'three_zero_figures',
  {
    districtCode: district(),
    assessedUnitId: uuid('assessed_unit_id').notNull(),
    year: integer('year').notNull(),
    accidents: integer('accidents').notNull(),
    criminalCases: integer('criminal_cases').notNull(),
    source: text('source').notNull(),
    enteredBy: uuid('entered_by').notNull(),
    enteredAt: timestamp('entered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.assessedUnitId, t.year] }),
    foreignKey({ columns: [t.districtCode, t.assessedUnitId], foreignColumns: [assessedUnits.districtCode, assessedUnits.id] }),
    check('three_zero_figures_counts_check', sql`${t.accidents} >= 0 and ${t.criminalCases} >= 0`),
  ],
);

/** The district's target share of units meeting the standard, per year and group (docs/LEGAL-BASIS.md §6: 70–80 % / 80–90 %). */
export const threeZeroTargets = pgTable(
  'three_zero_targets',
  {
    districtCode: district(),
    year: integer('year').notNull(),
    group: text('group').$type<'village' | 'organisation'>().notNull(),
    percent: integer('percent').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.year, t.group] }),
    check('three_zero_targets_percent_check', sql`${t.percent} between 0 and 100`),
  ],
);
