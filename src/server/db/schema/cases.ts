/** The case and what hangs on it directly (modules/case-access/: the row, the one write path, extensions, urges). */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { CASE_STATUSES, OPEN_STATUSES, type CaseStatus } from '../../../shared/case-lifecycle.js';
import { DIFFICULTIES, type Difficulty } from '../../../shared/time-limits.js';
import {
  ATTACHMENT_KINDS,
  CASE_KINDS,
  CATEGORIES,
  CHANNELS,
  type AttachmentKind,
  type CaseKind,
  type Category,
  type Channel,
  type Outcome,
  type PartyRole,
  type PartyType,
  type RiskLevel,
  type Satisfaction,
} from '../../../shared/enums.js';
import { bytea, district, createdAt, sqlList } from './columns.js';
import { units, users } from './units.js';
import { persons } from './persons.js';

export const cases = pgTable(
  'cases',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    code: text('code').notNull(),
    trackingToken: text('tracking_token').notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    kind: text('kind').$type<CaseKind>().notNull(),
    category: text('category').$type<Category>().notNull(),
    summary: text('summary').notNull(),
    narrative: text('narrative').notNull(),
    peopleInvolved: integer('people_involved').notNull(),
    riskLevel: text('risk_level').$type<RiskLevel>().notNull(),
    /** 简易 / 一般 / 复杂: picks the centre's own time limit (docs/LEGAL-BASIS.md §4). */
    difficulty: text('difficulty').$type<Difficulty>().notNull().default('ordinary'),
    placeAddress: text('place_address'),
    /** WGS84 position of the place, when the channel knows it (grid worker's GPS, a camera, an Open311 app). */
    placeLat: doublePrecision('place_lat'),
    placeLng: doublePrecision('place_lng'),
    /** The external system that sent the case (a transfer-API client) and its own reference for it. */
    sourceClientId: uuid('source_client_id'),
    externalRef: text('external_ref'),
    /** Where the matter arose: decides which centre's jurisdiction it is in. */
    unitId: uuid('unit_id').notNull(),
    unitPath: text('unit_path').notNull(),
    registeredBy: uuid('registered_by').notNull(),
    leadUnitId: uuid('lead_unit_id'),
    leadUnitPath: text('lead_unit_path'),
    coUnitIds: uuid('co_unit_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    /** Raised one level up the org tree when overdue (自动提级督办); null while the usual centre supervises. */
    supervisingUnitId: uuid('supervising_unit_id'),
    handlerId: uuid('handler_id'),
    status: text('status').$type<CaseStatus>().notNull(),
    version: integer('version').notNull().default(1),
    outcome: text('outcome').$type<Outcome>(),
    satisfaction: text('satisfaction').$type<Satisfaction>(),
    rejectReason: text('reject_reason'),
    /** When the latest conclusion, follow-up and escalation happened (the dates the statistics count by). */
    concludedAt: timestamp('concluded_at', { withTimezone: true }),
    followedUpAt: timestamp('followed_up_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    idempotencyKey: text('idempotency_key'),
    requestHash: text('request_hash'),
    /** An imported case (modules/imports/): the older system's own case number; null for cases registered here. */
    sourceCaseNumber: text('source_case_number'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    unique('cases_code_key').on(t.districtCode, t.code),
    unique('cases_tracking_token_key').on(t.districtCode, t.trackingToken),
    // Keys, references and links most cases lack are indexed only where present: a status change rewrites every index
    // entry of the row (no HOT update), and entries for NULL served no query (bench:cases, PERFORMANCE.md).
    uniqueIndex('cases_idempotency_key')
      .on(t.districtCode, t.registeredBy, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    index('cases_tracking_token_idx').on(t.trackingToken),
    index('cases_unit_path_idx').on(t.districtCode, t.unitPath.op('text_pattern_ops'), t.createdAt),
    index('cases_lead_unit_path_idx')
      .on(t.districtCode, t.leadUnitPath.op('text_pattern_ops'))
      .where(sql`${t.leadUnitPath} is not null`),
    index('cases_co_units_idx').using('gin', t.coUnitIds),
    // This index, cases_category_created_idx and cases_status_category_created_idx also carry unit_id and lead_unit_id
    // (INCLUDE, added by migration 20261204151313, which drizzle cannot express): a list under a street filters by its
    // subtree's ids and counts from the index alone (cases.repository.ts underUnit; a district-level user's count by status
    // and category alone reads the indexes by unit below: countUnderUnits).
    index('cases_status_created_idx').on(t.districtCode, t.status, t.createdAt),
    // The cases still open under a unit: a small part of all cases. The drill-down lists of the cockpit's 在办 and
    // 高风险/群体性 figures and the open camera alerts' check read it (the figures themselves are rollup measures now:
    // openNow, openMassRisk — modules/stats/indicators.ts); kind and risk in it keep those filters off the table.
    index('cases_open_unit_path_idx')
      .on(t.districtCode, t.unitPath.op('text_pattern_ops'), t.kind, t.riskLevel, t.peopleInvolved)
      .where(sql`${t.status} in (${sqlList(OPEN_STATUSES)})`),
    index('cases_created_idx').on(t.districtCode, t.createdAt),
    // The case list filtered by category (its most used filter beside status), newest first, a page at a time.
    // (INCLUDE unit_id, lead_unit_id: see cases_status_created_idx.)
    index('cases_category_created_idx').on(t.districtCode, t.category, t.createdAt),
    // Status and category together (the list's default pair): the page and its count read only the matching cases.
    // (INCLUDE unit_id, lead_unit_id: see cases_status_created_idx.)
    index('cases_status_category_created_idx').on(t.districtCode, t.status, t.category, t.createdAt),
    // A list under a street or any unit of tens of units counts its matches by those units' ids, placed there or led
    // from there: one index read per unit, only the matching entries (cases.repository.ts countUnderUnits). The list
    // indexes above, ordered by date, read every case of the status and category to keep a street's sixth.
    index('cases_unit_status_category_idx').on(t.districtCode, t.unitId, t.status, t.category),
    // (INCLUDE unit_id, added by migration 20261205013731: whether a led case is also placed under the unit.)
    index('cases_lead_unit_status_category_idx')
      .on(t.districtCode, t.leadUnitId, t.status, t.category)
      .where(sql`${t.leadUnitId} is not null`),
    index('cases_handler_idx')
      .on(t.districtCode, t.handlerId)
      .where(sql`${t.handlerId} is not null`),
    uniqueIndex('cases_external_ref_key')
      .on(t.districtCode, t.sourceClientId, t.externalRef)
      .where(sql`${t.externalRef} is not null`),
    // Importing the same file again adds nothing: a row is keyed by the source's case number.
    uniqueIndex('cases_source_case_number_key')
      .on(t.districtCode, t.sourceCaseNumber)
      .where(sql`${t.sourceCaseNumber} is not null`),
    foreignKey({ columns: [t.districtCode, t.unitId], foreignColumns: [units.districtCode, units.id] }),
    foreignKey({ columns: [t.districtCode, t.registeredBy], foreignColumns: [users.districtCode, users.id] }),
    check('cases_status_check', sql`${t.status} in (${sqlList(CASE_STATUSES)})`),
    check('cases_channel_check', sql`${t.channel} in (${sqlList(CHANNELS)})`),
    check('cases_kind_check', sql`${t.kind} in (${sqlList(CASE_KINDS)})`),
    check('cases_category_check', sql`${t.category} in (${sqlList(CATEGORIES)})`),
    check('cases_difficulty_check', sql`${t.difficulty} in (${sqlList(DIFFICULTIES)})`),
  ],
);

export const caseParties = pgTable(
  'case_parties',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    /** The registry's record this party is (its knowledge across cases); what the case says is in the columns below. */
    personId: uuid('person_id').notNull(),
    role: text('role').$type<PartyRole>().notNull(),
    position: integer('position').notNull(),
    /**
     * The party as given for this case — name, ID number, phone, address, credit code — kept as typed (personal data
     * AES-256-GCM encrypted, as on `persons`): agreements, replies and exports name the party as the case does, never
     * as the registry last heard of them.
     */
    type: text('type').$type<PartyType>().notNull(),
    name: text('name').notNull(),
    idNumberEnc: bytea('id_number_enc'),
    phoneEnc: bytea('phone_enc'),
    addressEnc: bytea('address_enc'),
    creditCode: text('credit_code'),
    /**
     * The case's registration time, copied here (it never changes): a person's newest cases are an index range —
     * the intake preview reads the last few of a respondent with thousands of cases without touching the others.
     */
    caseCreatedAt: timestamp('case_created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('case_parties_case_idx').on(t.districtCode, t.caseId),
    // A person's cases newest first, answered from the index alone (case and role are in it).
    // Ascending, read backwards for "newest first": `order by … desc` means NULLS FIRST, which an index declared
    // DESC (NULLS LAST, as drizzle writes it) cannot serve in order.
    index('case_parties_person_idx').on(t.districtCode, t.personId, t.caseCreatedAt, t.caseId, t.role),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
    foreignKey({ columns: [t.districtCode, t.personId], foreignColumns: [persons.districtCode, persons.id] }),
  ],
);

/** The case timeline: one row per change, written in the same transaction as the change. */
export const caseEvents = pgTable(
  'case_events',
  {
    districtCode: district(),
    id: bigint('id', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    caseId: uuid('case_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    fromStatus: text('from_status').$type<CaseStatus>(),
    toStatus: text('to_status').$type<CaseStatus>(),
    reason: text('reason'),
    data: jsonb('data').$type<Record<string, unknown>>(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('case_events_case_idx').on(t.districtCode, t.caseId, t.id),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/** Files kept in the database, so a backup of the database is a backup of everything. */
export const attachments = pgTable(
  'attachments',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    eventId: bigint('event_id', { mode: 'number' }),
    kind: text('kind').$type<AttachmentKind>().notNull(),
    fileName: text('file_name').notNull(),
    mimeType: text('mime_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: uuid('uploaded_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('attachments_case_idx').on(t.districtCode, t.caseId),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
    check('attachments_kind_check', sql`${t.kind} in (${sqlList(ATTACHMENT_KINDS)})`),
  ],
);

/** 延期: asked by the handler with a reason, decided by the unit head; never beyond the clock's legal maximum. */
export const caseExtensions = pgTable(
  'case_extensions',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    clockId: uuid('clock_id').notNull(),
    days: integer('days').notNull(),
    reason: text('reason').notNull(),
    requestedBy: uuid('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    status: text('status').$type<'pending' | 'approved' | 'refused'>().notNull().default('pending'),
    decidedBy: uuid('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    /** How and when the resident was told (信访工作条例 Art.34: the petitioner is told why). */
    residentNotice: text('resident_notice'),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('case_extensions_case_idx').on(t.districtCode, t.caseId),
    // At most one pending request per case.
    uniqueIndex('case_extensions_one_pending')
      .on(t.districtCode, t.caseId)
      .where(sql`${t.status} = 'pending'`),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/** 督办: the centre urges a case with a reply-by date; the handler answers. */
export const caseUrges = pgTable(
  'case_urges',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    /** The case's place path, copied when urged (a case's place never changes after registration, nor a unit's path):
     * a street's count of urges reads its own (stats/indicators.ts) instead of probing the case of every urge. */
    unitPath: text('unit_path').notNull(),
    note: text('note').notNull(),
    replyBy: date('reply_by', { mode: 'string' }).notNull(),
    urgedBy: uuid('urged_by'),
    urgedAt: timestamp('urged_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set when the platform urged by itself (an overdue case raised one level). */
    isAutomatic: boolean('is_automatic').notNull().default(false),
    answer: text('answer'),
    answeredBy: uuid('answered_by'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('case_urges_case_idx').on(t.districtCode, t.caseId),
    index('case_urges_path_idx').on(t.districtCode, t.unitPath.op('text_pattern_ops'), t.urgedAt),
    index('case_urges_open_idx')
      .on(t.districtCode, t.replyBy)
      .where(sql`${t.answeredAt} is null`),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);
