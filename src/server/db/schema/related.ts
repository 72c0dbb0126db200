/** The intake preview’s risk rules and the assessment queue (modules/related/). */
import { char, foreignKey, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { district } from './columns.js';
import { cases } from './cases.js';

/** The district's risk rules (thresholds, threat words), edited by the admin; one row per district. */
export const riskRules = pgTable('risk_rules', {
  districtCode: char('district_code', { length: 6 }).primaryKey(),
  rules: jsonb('rules').$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by'),
});

/**
 * 风险研判 waiting to run: a registration queues its case here in its own transaction, and the assessment task runs
 * it a moment later (at least once; the row goes when its result is written), so the clerk's answer never waits.
 */
export const caseAssessments = pgTable(
  'case_assessments',
  {
    districtCode: district(),
    caseId: uuid('case_id').notNull(),
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    /** Not before this time (a failed attempt waits a little longer each time). */
    runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.caseId] }),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }).onDelete('cascade'),
  ],
);
