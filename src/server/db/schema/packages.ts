/** 一揽子化解 (modules/packages/). */
import { sql } from 'drizzle-orm';
import { check, date, foreignKey, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Outcome } from '../../../shared/enums.js';
import { district, createdAt, sqlList } from './columns.js';
import { units } from './units.js';
import { cases } from './cases.js';

export const PACKAGE_STATUSES = ['open', 'concluded'] as const;

/**
 * 一揽子化解: related cases handled as one package — a lead unit and co-units, a package handler, joint meetings,
 * a deadline. Member cases keep their own procedure; the package coordinates them.
 */
export const casePackages = pgTable(
  'case_packages',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    leadUnitId: uuid('lead_unit_id').notNull(),
    coUnitIds: uuid('co_unit_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    handlerId: uuid('handler_id'),
    deadline: date('deadline', { mode: 'string' }),
    status: text('status').$type<(typeof PACKAGE_STATUSES)[number]>().notNull().default('open'),
    /** The jurisdiction it lies in: the unit path of the lead unit. */
    unitPath: text('unit_path').notNull(),
    conclusion: text('conclusion'),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAt(),
    concludedAt: timestamp('concluded_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('case_packages_status_idx').on(t.districtCode, t.status, t.createdAt),
    foreignKey({ columns: [t.districtCode, t.leadUnitId], foreignColumns: [units.districtCode, units.id] }),
    check('case_packages_status_check', sql`${t.status} in (${sqlList(PACKAGE_STATUSES)})`),
  ],
);

/** Which cases are in a package (a case is in at most one open package); removed members keep their row, dated. */
export const packageMembers = pgTable(
  'package_members',
  {
    districtCode: district(),
    packageId: uuid('package_id').notNull(),
    caseId: uuid('case_id').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
    addedBy: uuid('added_by').notNull(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    removedBy: uuid('removed_by'),
    removeReason: text('remove_reason'),
    /** Set when the package is concluded: the outcome proposed for this case, which its handler confirms by concluding. */
    proposedOutcome: text('proposed_outcome').$type<Outcome>(),
    proposedNote: text('proposed_note'),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.packageId, t.caseId, t.addedAt] }),
    uniqueIndex('package_members_active_case_key')
      .on(t.districtCode, t.caseId)
      .where(sql`${t.removedAt} is null`),
    index('package_members_package_idx').on(t.districtCode, t.packageId),
    foreignKey({ columns: [t.districtCode, t.packageId], foreignColumns: [casePackages.districtCode, casePackages.id] }),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/** 联席会议: a joint meeting of the package's units, with its minutes. */
export const packageMeetings = pgTable(
  'package_meetings',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    packageId: uuid('package_id').notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    attendees: text('attendees').notNull(),
    minutes: text('minutes').notNull(),
    recordedBy: uuid('recorded_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('package_meetings_package_idx').on(t.districtCode, t.packageId),
    foreignKey({ columns: [t.districtCode, t.packageId], foreignColumns: [casePackages.districtCode, casePackages.id] }),
  ],
);
