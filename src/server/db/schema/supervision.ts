/** 督办 (modules/supervision/): what the deadline sweep has done. */
import { pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';
import { district } from './columns.js';

/** One automatic escalation per overdue clock (自动提级督办), whatever the number of sweeps. */
export const autoEscalations = pgTable(
  'auto_escalations',
  {
    districtCode: district(),
    clockId: uuid('clock_id').notNull(),
    caseId: uuid('case_id').notNull(),
    toUnitId: uuid('to_unit_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.clockId] })],
);
