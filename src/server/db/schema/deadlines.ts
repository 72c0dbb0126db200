/** Time-limit rules and the clocks they start on cases (modules/deadlines/). */
import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { ClockStage, DayUnit, Difficulty } from '../../../shared/time-limits.js';
import type { CaseKind, Category, Channel } from '../../../shared/enums.js';
import { district } from './columns.js';
import { cases } from './cases.js';

/** The district's time limits (docs/LEGAL-BASIS.md §2–§4), tried in priority order; the first that matches a case applies. */
export const timeLimitPolicies = pgTable(
  'time_limit_policies',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    priority: integer('priority').notNull(),
    stage: text('stage').$type<ClockStage>().notNull(),
    kind: text('kind').$type<CaseKind>(),
    category: text('category').$type<Category>(),
    channel: text('channel').$type<Channel>(),
    difficulty: text('difficulty').$type<Difficulty>(),
    days: integer('days').notNull(),
    unit: text('unit').$type<DayUnit>().notNull(),
    maxExtensionDays: integer('max_extension_days'),
    warnPercent: integer('warn_percent').notNull().default(80),
    legalBasis: text('legal_basis').notNull(),
    isEnabled: boolean('is_enabled').notNull().default(true),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('time_limit_policies_stage_idx').on(t.districtCode, t.stage, t.priority),
    check('time_limit_policies_days_check', sql`${t.days} > 0 and ${t.days} <= 3650`),
    check('time_limit_policies_unit_check', sql`${t.unit} in ('working','calendar')`),
  ],
);

/**
 * One clock per stage a case enters (acceptance, handling, …). The policy in force on entry is copied in, so a later
 * policy change does not move a running deadline unless the administrator recomputes it.
 */
export const caseClocks = pgTable(
  'case_clocks',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    /** The case's place path, copied at the start (a case's place never changes after registration, nor a unit's
     * path): a street's overdue count reads the running clocks under its path without probing their cases. */
    unitPath: text('unit_path').notNull(),
    stage: text('stage').$type<ClockStage>().notNull(),
    policyId: uuid('policy_id'),
    days: integer('days').notNull(),
    unit: text('unit').$type<DayUnit>().notNull(),
    warnPercent: integer('warn_percent').notNull(),
    maxExtensionDays: integer('max_extension_days'),
    legalBasis: text('legal_basis').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    /** Shanghai date the period counts from (not itself counted). */
    startedOn: date('started_on', { mode: 'string' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    /** Computed across a year without a loaded holiday schedule: recomputed when it is loaded. */
    isProvisional: boolean('is_provisional').notNull().default(false),
    pausedOn: date('paused_on', { mode: 'string' }),
    pausedDays: integer('paused_days').notNull().default(0),
    extendedDays: integer('extended_days').notNull().default(0),
    stoppedAt: timestamp('stopped_at', { withTimezone: true }),
    isOverdueAtStop: boolean('is_overdue_at_stop'),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('case_clocks_case_idx').on(t.districtCode, t.caseId),
    // A case's running clocks: what every step reads and re-checks (case-clocks.ts RUNNING_CLOCKS_*). Without it a
    // generic plan may take the running-by-due-date index below with the case as a later column and walk the
    // district's running clocks (PostgreSQL 15, statistics not yet analysed: 34 pages per lookup beside 3,000 cases).
    index('case_clocks_running_case_idx')
      .on(t.districtCode, t.caseId)
      .where(sql`${t.stoppedAt} is null`),
    // Running clocks by due date, with the case and the pause: the overdue count reads the index only.
    index('case_clocks_running_due_idx')
      .on(t.districtCode, t.dueDate, t.caseId, t.pausedOn)
      .where(sql`${t.stoppedAt} is null`),
    // The same under one place: a street's or community's overdue count (stats/indicators.ts) reads this index only.
    index('case_clocks_running_path_idx')
      .on(t.districtCode, t.unitPath.op('text_pattern_ops'), t.dueDate, t.caseId, t.pausedOn)
      .where(sql`${t.stoppedAt} is null`),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);
