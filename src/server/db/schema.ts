/**
 * The database schema (PostgreSQL only). Every domain table carries `district_code` (the tenant, a 6-digit
 * division code) as the first column of its primary key and of every unique key, so the schema can be
 * distributed by district (Citus) without redesign.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  check,
  customType,
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

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
/** Full-text vectors are written by SQL (`to_tsvector('simple', …)` over jieba tokens), never read back as values. */
const tsvector = customType<{ data: string; driverData: string }>({ dataType: () => 'tsvector' });
const district = () => char('district_code', { length: 6 }).notNull();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const sqlList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(','));

import { CASE_STATUSES, OPEN_STATUSES, type CaseStatus } from '../../shared/case-lifecycle.js';
import { DIFFICULTIES, type ClockStage, type DayUnit, type Difficulty } from '../../shared/time-limits.js';
import { BREAKDOWN_MEASURES, MEASURE_KEYS, type RollupGrain, type SettledLevel } from '../../shared/indicators.js';
import type { ScaleDefinition } from '../../shared/scales.js';
import { APPOINTMENT_STATUSES, COUNSELLING_SOURCES, COUNSELLING_STATUSES, CRISIS_RISK_LEVELS } from '../../shared/enums.js';
import type { UnitBoundary } from '../../shared/schemas/map.js';
import {
  ASSESSED_UNIT_TYPES,
  ATTACHMENT_KINDS,
  CASE_KINDS,
  CATEGORIES,
  CHANNELS,
  ROLES,
  UNIT_KINDS,
  type AssessedUnitType,
  type AttachmentKind,
  type CaseKind,
  type Category,
  type Channel,
  type Outcome,
  type PartyRole,
  type PartyType,
  type RiskLevel,
  type Role,
  type Satisfaction,
  type UnitKind,
} from '../../shared/enums.js';

/** The org tree: 区 → 街道/乡镇 → 社区/村 → 网格, and departments. `path` is `/<id>/<id>/…/` for subtree queries. */
export const units = pgTable(
  'units',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    parentId: uuid('parent_id'),
    code: text('code').notNull(),
    name: text('name').notNull(),
    kind: text('kind').$type<UnitKind>().notNull(),
    path: text('path').notNull(),
    depth: integer('depth').notNull(),
    /** The unit's area as a GeoJSON Polygon/MultiPolygon (WGS84), drawn on the offline map. */
    boundary: jsonb('boundary').$type<UnitBoundary>(),
    /** `demo`: the demo's invented geometry (the map says so); `imported`: loaded by an admin from survey data. */
    boundarySource: text('boundary_source').$type<'demo' | 'imported'>(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    unique('units_code_key').on(t.districtCode, t.code),
    index('units_path_idx').on(t.districtCode, t.path.op('text_pattern_ops')),
    foreignKey({ columns: [t.districtCode, t.parentId], foreignColumns: [t.districtCode, t.id] }),
    check('units_kind_check', sql`${t.kind} in (${sqlList(UNIT_KINDS)})`),
  ],
);

export const users = pgTable(
  'users',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').$type<Role>().notNull(),
    unitId: uuid('unit_id').notNull(),
    isDemo: boolean('is_demo').notNull().default(false),
    /** 负责人: approves extensions for the unit (信访工作条例 Art.34). */
    isUnitHead: boolean('is_unit_head').notNull().default(false),
    /** Set for the platform's own accounts (the resident portal, an external system, the camera feed): they file cases
     * but can never sign in. */
    isSystem: boolean('is_system').notNull().default(false),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    unique('users_username_key').on(t.districtCode, t.username),
    index('users_username_idx').on(t.username),
    foreignKey({ columns: [t.districtCode, t.unitId], foreignColumns: [units.districtCode, units.id] }),
    check('users_role_check', sql`${t.role} in (${sqlList(ROLES)})`),
  ],
);

/** Server-side sessions; the cookie holds a random token, the table only its SHA-256. */
export const sessions = pgTable(
  'sessions',
  {
    districtCode: district(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.tokenHash] }), index('sessions_token_idx').on(t.tokenHash)],
);

/**
 * Persons and organisations that appear as parties. ID number, phone and address are AES-256-GCM ciphertext;
 * the `*_hash` columns are HMAC-SHA256 of the normalised value, for exact lookup without decrypting.
 */
export const persons = pgTable(
  'persons',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    type: text('type').$type<PartyType>().notNull(),
    name: text('name').notNull(),
    idNumberEnc: bytea('id_number_enc'),
    idNumberHash: text('id_number_hash'),
    phoneEnc: bytea('phone_enc'),
    phoneHash: text('phone_hash'),
    addressEnc: bytea('address_enc'),
    /** Keyed hash of the normalised address: "same address" without reading it. */
    addressHash: text('address_hash'),
    /** Keyed hash of the phone's last four digits: "same name, same phone ending" as a likely match. */
    phoneSuffixHash: text('phone_suffix_hash'),
    /** The name in toneless pinyin (张三 / 张叁 → zhang san): homophones typed at intake are offered as likely matches. */
    namePinyin: text('name_pinyin'),
    /** 统一社会信用代码 of an organisation (GB 32100), plain: it is public. */
    creditCode: text('credit_code'),
    /** Set when staff merged this record into another (reversible: the merge log keeps both). */
    mergedInto: uuid('merged_into'),
    /** Other names this person was registered under, each confirmed by a clerk as the same person (same ID number). */
    aliases: text('aliases')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('persons_id_number_hash_idx').on(t.districtCode, t.idNumberHash),
    index('persons_phone_hash_idx').on(t.districtCode, t.phoneHash),
    // The records staff merged into one (few): the intake preview asks on every registration.
    index('persons_merged_into_idx')
      .on(t.districtCode, t.mergedInto)
      .where(sql`${t.mergedInto} is not null`),
    index('persons_phone_suffix_idx').on(t.districtCode, t.phoneSuffixHash),
    index('persons_address_hash_idx').on(t.districtCode, t.addressHash),
    index('persons_name_pinyin_idx').on(t.districtCode, t.namePinyin),
    index('persons_credit_code_idx').on(t.districtCode, t.creditCode),
    // An organisation without a credit code is known by its exact name (registration and the intake preview ask).
    index('persons_org_name_idx')
      .on(t.districtCode, t.name)
      .where(sql`${t.type} = 'organization'`),
    index('persons_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
  ],
);

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
    unique('cases_idempotency_key').on(t.districtCode, t.registeredBy, t.idempotencyKey),
    index('cases_tracking_token_idx').on(t.trackingToken),
    index('cases_unit_path_idx').on(t.districtCode, t.unitPath.op('text_pattern_ops'), t.createdAt),
    index('cases_lead_unit_path_idx').on(t.districtCode, t.leadUnitPath.op('text_pattern_ops')),
    index('cases_co_units_idx').using('gin', t.coUnitIds),
    index('cases_status_created_idx').on(t.districtCode, t.status, t.createdAt),
    // The cases still open under a unit (the command centre's figures of the moment): a small part of all cases. Kind
    // and risk are in the index so the open and mass-risk counts never read the table (index-only scans).
    index('cases_open_unit_path_idx')
      .on(t.districtCode, t.unitPath.op('text_pattern_ops'), t.kind, t.riskLevel, t.peopleInvolved)
      .where(sql`${t.status} in (${sqlList(OPEN_STATUSES)})`),
    index('cases_created_idx').on(t.districtCode, t.createdAt),
    // The case list filtered by category (its most used filter beside status), newest first, a page at a time.
    index('cases_category_created_idx').on(t.districtCode, t.category, t.createdAt),
    // Status and category together (the list's default pair): the page and its count read only the matching cases.
    index('cases_status_category_created_idx').on(t.districtCode, t.status, t.category, t.createdAt),
    index('cases_handler_idx').on(t.districtCode, t.handlerId),
    uniqueIndex('cases_external_ref_key').on(t.districtCode, t.sourceClientId, t.externalRef),
    // Importing the same file again adds nothing: a row is keyed by the source's case number.
    uniqueIndex('cases_source_case_number_key').on(t.districtCode, t.sourceCaseNumber),
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

/** Every view of personal data in full (个人信息保护法 Art.56: kept at least 3 years). */
export const accessLog = pgTable(
  'access_log',
  {
    districtCode: district(),
    id: bigint('id', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    field: text('field').notNull(),
    purpose: text('purpose').notNull(),
    requestId: text('request_id'),
    ip: text('ip'),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('access_log_entity_idx').on(t.districtCode, t.entityType, t.entityId),
    index('access_log_actor_idx').on(t.districtCode, t.actorId, t.at),
  ],
);

/**
 * The national working-day calendar (docs/LEGAL-BASIS.md §1): which years are loaded and from where. Reference data shared by
 * every district, hence no `district_code` (under Citus it would be a reference table, copied to every node).
 */
export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  source: text('source').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by'),
});

export const calendarDays = pgTable(
  'calendar_days',
  {
    date: date('date', { mode: 'string' }).primaryKey(),
    year: integer('year')
      .notNull()
      .references(() => calendarYears.year, { onDelete: 'cascade' }),
    kind: text('kind').$type<'holiday' | 'workday'>().notNull(),
    name: text('name').notNull(),
  },
  (t) => [index('calendar_days_year_idx').on(t.year), check('calendar_days_kind_check', sql`${t.kind} in ('holiday','workday')`)],
);

/** What administrators changed (calendar, later policies): who, when, what. */
export const adminLog = pgTable(
  'admin_log',
  {
    districtCode: district(),
    id: bigint('id', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id').notNull(),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.id] }), index('admin_log_at_idx').on(t.districtCode, t.at)],
);

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
    // Running clocks by due date, with the case and the pause: the overdue count reads the index only.
    index('case_clocks_running_due_idx')
      .on(t.districtCode, t.dueDate, t.caseId, t.pausedOn)
      .where(sql`${t.stoppedAt} is null`),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
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
    index('case_urges_open_idx')
      .on(t.districtCode, t.replyBy)
      .where(sql`${t.answeredAt} is null`),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/**
 * Named scheduled tasks (the deadline sweep, the outbox dispatcher). A lease in the row makes sure only one instance
 * runs a task at a time; the task's own work is idempotent, so a crash mid-run is caught up by the next run.
 * Platform-wide, hence no district_code.
 */
export const scheduledTasks = pgTable('scheduled_tasks', {
  name: text('name').primaryKey(),
  leaseOwner: text('lease_owner'),
  leaseUntil: timestamp('lease_until', { withTimezone: true }),
  lastStartedAt: timestamp('last_started_at', { withTimezone: true }),
  lastFinishedAt: timestamp('last_finished_at', { withTimezone: true }),
  lastError: text('last_error'),
});

/**
 * Rate-limit counters shared by every instance (lib/counters.ts; Redis instead when REDIS_URL is set): sign-in
 * attempts per address and per account, portal requests per address. A row counts hits until `reset_at`; the
 * next hit after it starts again at 1. Expired rows are deleted now and then by the hits themselves.
 */
export const rateLimitCounters = pgTable(
  'rate_limit_counters',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    resetAt: timestamp('reset_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('rate_limit_counters_reset_at_idx').on(t.resetAt)],
);

/**
 * Messages to send, written in the same transaction as what caused them and sent afterwards by the dispatcher.
 * `dedupe_key` makes each reminder exist once however often the sweep runs; a claimed row is never sent again.
 */
export type OutboxChannel = 'in_app' | 'sms' | 'webhook';

export const outbox = pgTable(
  'outbox',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    dedupeKey: text('dedupe_key').notNull(),
    channel: text('channel').$type<OutboxChannel>().notNull(),
    recipientUserId: uuid('recipient_user_id'),
    /** SMS: the phone number, AES-256-GCM encrypted like every phone at rest. */
    recipientPhoneEnc: bytea('recipient_phone_enc'),
    caseId: uuid('case_id'),
    title: text('title').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** Webhook only: where to POST `payload`, signed with the client's secret. */
    clientId: uuid('client_id'),
    targetUrl: text('target_url'),
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    /** Not tried again before this time: failed webhooks back off exponentially. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    unique('outbox_dedupe_key').on(t.districtCode, t.dedupeKey),
    index('outbox_pending_idx')
      .on(t.createdAt)
      .where(sql`${t.sentAt} is null and ${t.claimedAt} is null`),
  ],
);

/** The in-app inbox of each staff member. */
export const notifications = pgTable(
  'notifications',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    userId: uuid('user_id').notNull(),
    outboxId: uuid('outbox_id').notNull(),
    caseId: uuid('case_id'),
    title: text('title').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    unique('notifications_outbox_key').on(t.districtCode, t.outboxId),
    index('notifications_user_idx').on(t.districtCode, t.userId, t.createdAt),
  ],
);

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

/**
 * Other systems that file and follow cases through the transfer API and Open311 (12345 hotline, 110 non-emergency,
 * the court's pre-litigation referrals, the petition bureau, video-analytics gateways). The API key is kept only as
 * its SHA-256 (it is 256 random bits, so a slow hash adds nothing); the signing secret must be usable to sign
 * callbacks and check signed webhooks, so it is encrypted like personal data.
 */
export const apiClients = pgTable(
  'api_clients',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    /** The case channels the client may file under. */
    channels: text('channels').array().$type<Channel[]>().notNull(),
    /** May deliver camera alerts and heartbeats by webhook. */
    mayPostCameraAlerts: boolean('may_post_camera_alerts').notNull().default(false),
    keyPrefix: text('key_prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    signingSecretEnc: bytea('signing_secret_enc').notNull(),
    callbackUrl: text('callback_url'),
    /** The system account its cases are registered by (`users.is_system`). */
    userId: uuid('user_id').notNull(),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    // Unique within the district (a distributed table's unique keys begin with the distribution column); looked up by
    // the hash alone.
    uniqueIndex('api_clients_key_hash_key').on(t.districtCode, t.keyHash),
    index('api_clients_key_hash_idx').on(t.keyHash),
    foreignKey({ columns: [t.districtCode, t.userId], foreignColumns: [users.districtCode, users.id] }),
  ],
);

/**
 * A resident's phone check on the portal: a 6-digit code sent by SMS, kept as its keyed hash, five tries, ten
 * minutes. A verified check yields a ticket (its SHA-256 kept here) that lets the resident file and add photos.
 */
export const phoneVerifications = pgTable(
  'phone_verifications',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    phoneHash: text('phone_hash').notNull(),
    phoneEnc: bytea('phone_enc').notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    ticketHash: text('ticket_hash'),
    ip: text('ip'),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('phone_verifications_phone_idx').on(t.districtCode, t.phoneHash, t.createdAt),
    uniqueIndex('phone_verifications_ticket_key').on(t.districtCode, t.ticketHash),
    index('phone_verifications_ticket_idx').on(t.ticketHash),
  ],
);

/** 巡查打卡: a grid worker's patrol check-in, keyed by the id the phone gave it so a re-sent one is kept once. */
export const patrolCheckins = pgTable(
  'patrol_checkins',
  {
    districtCode: district(),
    id: uuid('id').notNull(),
    userId: uuid('user_id').notNull(),
    unitId: uuid('unit_id').notNull(),
    /** When the worker checked in (the phone's clock), which may be long before it reached the server. */
    at: timestamp('at', { withTimezone: true }).notNull(),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    note: text('note'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.id] }), index('patrol_checkins_user_idx').on(t.districtCode, t.userId, t.at)],
);

export const CAMERA_STATUSES = ['online', 'offline'] as const;

/** 视频监控点位: the cameras whose video-analytics alerts become grid events. */
export const cameraPoints = pgTable(
  'camera_points',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    /** The grid (or other unit) it watches: its events land in that unit's jurisdiction. */
    unitId: uuid('unit_id').notNull(),
    /** The stream's address on the centre's video gateway (opened by the gateway's own player). */
    streamUrl: text('stream_url'),
    status: text('status').$type<(typeof CAMERA_STATUSES)[number]>().notNull().default('offline'),
    lastHeartbeatAt: timestamp('last_heartbeat_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    unique('camera_points_code_key').on(t.districtCode, t.code),
    foreignKey({ columns: [t.districtCode, t.unitId], foreignColumns: [units.districtCode, units.id] }),
    check('camera_points_status_check', sql`${t.status} in (${sqlList(CAMERA_STATUSES)})`),
  ],
);

/**
 * One grid event per camera and alert type within the folding window: repeats raise `count` and `last_at` instead
 * of making new cases.
 */
export const cameraAlerts = pgTable(
  'camera_alerts',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    cameraId: uuid('camera_id').notNull(),
    alertType: text('alert_type').notNull(),
    caseId: uuid('case_id').notNull(),
    count: integer('count').notNull().default(1),
    firstAt: timestamp('first_at', { withTimezone: true }).notNull(),
    lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('camera_alerts_fold_idx').on(t.districtCode, t.cameraId, t.alertType, t.lastAt),
    foreignKey({ columns: [t.districtCode, t.cameraId], foreignColumns: [cameraPoints.districtCode, cameraPoints.id] }),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/**
 * The full-text index of a case, one row per case, apart from `cases` so that reading a case never drags its vectors
 * along. jieba tokens in `simple` tsvectors under GIN indexes (see `modules/search/case-search-index.ts`).
 */
export const caseSearch = pgTable(
  'case_search',
  {
    districtCode: district(),
    caseId: uuid('case_id').notNull(),
    /** Summary, narrative and every later note or reason. */
    searchVector: tsvector('search_vector').notNull(),
    /** Parties' names and keyed hashes of their address words: searched only for roles that may see parties. */
    partyVector: tsvector('party_vector').notNull(),
    /** The case's registration time (it never changes): search ranks the newest matches (modules/search/case-search.ts). */
    caseCreatedAt: timestamp('case_created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.caseId] }),
    // Ascending, read backwards for newest first (see case_parties_person_idx).
    index('case_search_created_idx').on(t.districtCode, t.caseCreatedAt),
    index('case_search_text_idx').using('gin', t.searchVector),
    index('case_search_party_idx').using('gin', t.partyVector),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/** The district's risk rules (thresholds, threat words), edited by the admin; one row per district. */
export const riskRules = pgTable('risk_rules', {
  districtCode: char('district_code', { length: 6 }).primaryKey(),
  rules: jsonb('rules').$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by'),
});

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

/** Person records staff merged (one person, two records): reversible, so the merge itself is kept. */
export const personMerges = pgTable(
  'person_merges',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    fromPersonId: uuid('from_person_id').notNull(),
    intoPersonId: uuid('into_person_id').notNull(),
    reason: text('reason').notNull(),
    mergedBy: uuid('merged_by').notNull(),
    mergedAt: timestamp('merged_at', { withTimezone: true }).notNull().defaultNow(),
    undoneBy: uuid('undone_by'),
    undoneAt: timestamp('undone_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.id] }), index('person_merges_from_idx').on(t.districtCode, t.fromPersonId)],
);

/** Pairs staff said are not the same person: never offered as a likely match again. */
export const personNotSame = pgTable(
  'person_not_same',
  {
    districtCode: district(),
    personA: uuid('person_a').notNull(),
    personB: uuid('person_b').notNull(),
    decidedBy: uuid('decided_by').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.personA, t.personB] })],
);

/**
 * 人民调解协议书 (人民调解法 Art.28–30): one per case. Parties are referenced (their particulars are read, decrypted,
 * when the document is made); the rest is the agreement's own text. Written agreements take effect when every party,
 * the mediator and the committee have signed, fingerprinted or sealed; oral ones when the mediator records them.
 */
/** A term of an agreement, and how its performance (履行) stands once the agreement is in effect. */
export interface AgreementTermRow {
  text: string;
  method: string;
  dueDate: string | null;
  performance?: 'pending' | 'performed' | 'partly' | 'not_performed';
  performanceNote?: string | null;
  performanceRecordedAt?: string | null;
}

export const mediationAgreements = pgTable(
  'mediation_agreements',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    form: text('form').$type<'written' | 'oral'>().notNull(),
    status: text('status').$type<'draft' | 'final' | 'effective'>().notNull().default('draft'),
    subjectMatter: text('subject_matter').notNull(),
    partyIds: uuid('party_ids').array().notNull(),
    facts: text('facts').notNull().default(''),
    disputedMatters: text('disputed_matters').notNull().default(''),
    responsibilities: text('responsibilities').notNull().default(''),
    terms: jsonb('terms').$type<AgreementTermRow[]>().notNull(),
    mediatorId: uuid('mediator_id').notNull(),
    committeeName: text('committee_name').notNull(),
    signatures: jsonb('signatures')
      .$type<{ signer: string; kind: string; at: string; recordedBy: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    finalizedAt: timestamp('finalized_at', { withTimezone: true }),
    effectiveOn: date('effective_on', { mode: 'string' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    uniqueIndex('mediation_agreements_case_key').on(t.districtCode, t.caseId),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/** 司法确认 (人民调解法 Art.33; 民事诉讼法 Art.205): the application to the court and its decision. */
export const judicialConfirmations = pgTable(
  'judicial_confirmations',
  {
    districtCode: district(),
    agreementId: uuid('agreement_id').notNull(),
    court: text('court').notNull(),
    appliedOn: date('applied_on', { mode: 'string' }).notNull(),
    decision: text('decision').$type<'confirmed' | 'rejected'>(),
    decidedOn: date('decided_on', { mode: 'string' }),
    note: text('note'),
    recordedBy: uuid('recorded_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.agreementId] })],
);

/** 调解会: a mediation session — scheduled, then held with attendance, each side's statements and the record (笔录). */
export const mediationSessions = pgTable(
  'mediation_sessions',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }).notNull(),
    room: text('room').notNull(),
    mediatorNames: text('mediator_names').notNull(),
    invitedPartyIds: uuid('invited_party_ids').array().notNull(),
    /** 公开或不公开调解 (人民调解法 Art.23): the parties' choice. */
    isPublic: boolean('is_public').notNull().default(false),
    status: text('status').$type<'scheduled' | 'held' | 'cancelled'>().notNull().default('scheduled'),
    attendedPartyIds: uuid('attended_party_ids').array(),
    /** How the parties' rights were explained and what they chose (选择或者接受调解员, public or private). */
    rightsNote: text('rights_note'),
    statements: jsonb('statements').$type<{ partyId: string; text: string }[]>(),
    record: text('record'),
    outcome: text('outcome').$type<'continue' | 'agreement_reached' | 'refused'>(),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAt(),
    heldAt: timestamp('held_at', { withTimezone: true }),
    /** 线上调解 (docs/ONLINE-MEDIATION.md): when the mediator opened the video room, and when it ended. */
    onlineStartedAt: timestamp('online_started_at', { withTimezone: true }),
    onlineEndedAt: timestamp('online_ended_at', { withTimezone: true }),
    /** Who refused recording (then nothing is recorded), as the session record says it. */
    recordingNote: text('recording_note'),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('mediation_sessions_case_idx').on(t.districtCode, t.caseId),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/**
 * 信访处理意见书 (信访工作条例 Art.32) and the review 复查 (Art.35) and re-review 复核 (Art.36) opinions: one per stage per
 * case. After 复核 the same matter on the same facts is not accepted again.
 */
export const petitionReplies = pgTable(
  'petition_replies',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    stage: text('stage').$type<'reply' | 'review' | 're_review'>().notNull(),
    request: text('request').notNull(),
    factsAndReasons: text('facts_and_reasons').notNull(),
    decision: text('decision').$type<'support' | 'explain' | 'not_support'>().notNull(),
    legalBasis: text('legal_basis').notNull(),
    issuingBody: text('issuing_body').notNull(),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    issuedBy: uuid('issued_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    uniqueIndex('petition_replies_stage_key').on(t.districtCode, t.caseId, t.stage),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

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
    // The cases carried up beyond the village by received date: the “三零” board's 零上交 (three-zero.repository.ts).
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
 * mediation form show for them; the same grains (no weeks) and the same upkeep as `case_stats_units`.
 */
export const caseStatsBreakdown = pgTable(
  'case_stats_breakdown',
  {
    ...rollupKey(),
    dimension: text('dimension').$type<'category' | 'channel'>().notNull(),
    key: text('key').notNull(),
    ...counters(BREAKDOWN_MEASURES),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.grain, t.period, t.unitId, t.kind, t.dimension, t.key] })],
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

/**
 * 心理服务: a counselling service for one person — referred from a case (by the mediator or petitions officer), a
 * walk-in, or the portal. Others see only that it exists and its status; everything said in it is sealed.
 */
export const counsellingServices = pgTable(
  'counselling_services',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    caseId: uuid('case_id'),
    personId: uuid('person_id').notNull(),
    source: text('source').$type<(typeof COUNSELLING_SOURCES)[number]>().notNull(),
    /** Why the service was asked for, encrypted (it speaks of the person's state). */
    reasonEnc: bytea('reason_enc').notNull(),
    requestedBy: uuid('requested_by'),
    counsellorId: uuid('counsellor_id'),
    status: text('status').$type<(typeof COUNSELLING_STATUSES)[number]>().notNull().default('requested'),
    createdAt: createdAt(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('counselling_services_case_idx').on(t.districtCode, t.caseId),
    index('counselling_services_person_idx').on(t.districtCode, t.personId),
    check('counselling_services_status_check', sql`${t.status} in (${sqlList(COUNSELLING_STATUSES)})`),
    check('counselling_services_source_check', sql`${t.source} in (${sqlList(COUNSELLING_SOURCES)})`),
  ],
);

export const counsellingRooms = pgTable(
  'counselling_rooms',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    isActive: boolean('is_active').notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.id] }), unique('counselling_rooms_name_key').on(t.districtCode, t.name)],
);

/**
 * The duty roster (值班): which counsellors are on duty on each Shanghai day. A crisis alert goes to the service's
 * counsellor, the supervisors and whoever is on duty that day; set by a supervisor or an admin.
 */
export const counsellingDuty = pgTable(
  'counselling_duty',
  {
    districtCode: district(),
    day: date('day', { mode: 'string' }).notNull(),
    counsellorId: uuid('counsellor_id').notNull(),
    assignedBy: uuid('assigned_by').notNull(),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.day, t.counsellorId] }),
    foreignKey({ columns: [t.districtCode, t.counsellorId], foreignColumns: [users.districtCode, users.id] }),
  ],
);

/**
 * Appointments: a counsellor, a room and a time. The database refuses a second booked appointment overlapping in time
 * for the same counsellor or the same room (exclusion constraints in the migration), so double booking cannot happen
 * even when two people book at once.
 */
export const counsellingAppointments = pgTable(
  'counselling_appointments',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    serviceId: uuid('service_id').notNull(),
    counsellorId: uuid('counsellor_id').notNull(),
    roomId: uuid('room_id').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    status: text('status').$type<(typeof APPOINTMENT_STATUSES)[number]>().notNull().default('booked'),
    note: text('note'),
    bookedBy: uuid('booked_by').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('counselling_appointments_service_idx').on(t.districtCode, t.serviceId),
    index('counselling_appointments_time_idx').on(t.districtCode, t.startsAt),
    foreignKey({ columns: [t.districtCode, t.serviceId], foreignColumns: [counsellingServices.districtCode, counsellingServices.id] }),
    foreignKey({ columns: [t.districtCode, t.roomId], foreignColumns: [counsellingRooms.districtCode, counsellingRooms.id] }),
    check('counselling_appointments_status_check', sql`${t.status} in (${sqlList(APPOINTMENT_STATUSES)})`),
    check('counselling_appointments_time_check', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/** A session's notes: AES-256-GCM at rest, readable only by their author and a counselling supervisor; every read logged. */
export const counsellingSessions = pgTable(
  'counselling_sessions',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    serviceId: uuid('service_id').notNull(),
    appointmentId: uuid('appointment_id'),
    counsellorId: uuid('counsellor_id').notNull(),
    notesEnc: bytea('notes_enc').notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('counselling_sessions_service_idx').on(t.districtCode, t.serviceId),
    foreignKey({ columns: [t.districtCode, t.serviceId], foreignColumns: [counsellingServices.districtCode, counsellingServices.id] }),
  ],
);

/** Screening scales as data (PHQ-9 and GAD-7 built in; a centre may add others). */
export const scaleDefinitions = pgTable(
  'scale_definitions',
  {
    districtCode: district(),
    code: text('code').notNull(),
    definition: jsonb('definition').$type<ScaleDefinition>().notNull(),
    isBuiltIn: boolean('is_built_in').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.code] })],
);

/** One administration of a scale: answers encrypted; total and band kept for the trend (counsellors only). */
export const scaleAdministrations = pgTable(
  'scale_administrations',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    serviceId: uuid('service_id').notNull(),
    scaleCode: text('scale_code').notNull(),
    answersEnc: bytea('answers_enc').notNull(),
    total: integer('total').notNull(),
    band: text('band').notNull(),
    mode: text('mode').$type<'counsellor' | 'self'>().notNull(),
    administeredBy: uuid('administered_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('scale_administrations_service_idx').on(t.districtCode, t.serviceId, t.createdAt),
    foreignKey({ columns: [t.districtCode, t.serviceId], foreignColumns: [counsellingServices.districtCode, counsellingServices.id] }),
  ],
);

/** 危机预警: raised by a crisis answer (PHQ-9 item 9 > 0); open until a counsellor records a risk assessment. */
export const crisisAlerts = pgTable(
  'crisis_alerts',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    serviceId: uuid('service_id').notNull(),
    administrationId: uuid('administration_id').notNull(),
    reason: text('reason').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
    assessedBy: uuid('assessed_by'),
    assessedAt: timestamp('assessed_at', { withTimezone: true }),
    riskLevel: text('risk_level').$type<(typeof CRISIS_RISK_LEVELS)[number]>(),
    assessmentEnc: bytea('assessment_enc'),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('crisis_alerts_open_idx')
      .on(t.districtCode, t.raisedAt)
      .where(sql`${t.assessedAt} is null`),
    foreignKey({ columns: [t.districtCode, t.serviceId], foreignColumns: [counsellingServices.districtCode, counsellingServices.id] }),
  ],
);

/** 转介: counsellors do not diagnose or treat (精神卫生法 Art.23); a referral to a medical institution and its follow-up. */
export const medicalReferrals = pgTable(
  'medical_referrals',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    serviceId: uuid('service_id').notNull(),
    institution: text('institution').notNull(),
    reasonEnc: bytea('reason_enc').notNull(),
    referredBy: uuid('referred_by').notNull(),
    referredAt: timestamp('referred_at', { withTimezone: true }).notNull().defaultNow(),
    followUpOn: date('follow_up_on', { mode: 'string' }).notNull(),
    followUpEnc: bytea('follow_up_enc'),
    followedUpAt: timestamp('followed_up_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    foreignKey({ columns: [t.districtCode, t.serviceId], foreignColumns: [counsellingServices.districtCode, counsellingServices.id] }),
  ],
);

/** A one-time link for a tablet in the service room (or a resident's phone) to self-complete one scale. */
export const kioskTokens = pgTable(
  'kiosk_tokens',
  {
    districtCode: district(),
    tokenHash: text('token_hash').notNull(),
    serviceId: uuid('service_id').notNull(),
    scaleCode: text('scale_code').notNull(),
    createdBy: uuid('created_by').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.tokenHash] }), index('kiosk_tokens_hash_idx').on(t.tokenHash)],
);

export const ROUTING_MODEL_STATUSES = ['active', 'retired', 'rejected', 'not_ready'] as const;
export type RoutingModelStatus = (typeof ROUTING_MODEL_STATUSES)[number];

/**
 * Every training run of a district's routing model, kept (modules/learning/train-routing.ts): the one `active` model
 * answers suggestions; a new one becomes active only if it is not worse on the held-out recent cases, else `rejected`;
 * the one it replaced is `retired`; a run with too few cases is `not_ready` (with its reason in the report).
 */
export const routingModels = pgTable(
  'routing_models',
  {
    districtCode: district(),
    version: integer('version').notNull(),
    status: text('status').$type<RoutingModelStatus>().notNull(),
    /** The weights (vocabulary, IDF, one softmax head each for kind, category and lead unit); null when not ready. */
    model: jsonb('model').$type<Record<string, unknown>>(),
    /** Per-head precision/recall/F1 and confusion matrix on the held-out recent cases (routing-model.ts RoutingReport). */
    report: jsonb('report').$type<Record<string, unknown>>().notNull(),
    /** Who asked for it (an admin); null for the scheduled retraining. */
    trainedBy: uuid('trained_by'),
    durationMs: integer('duration_ms').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.version] }),
    uniqueIndex('routing_models_active_key')
      .on(t.districtCode)
      .where(sql`${t.status} = 'active'`),
    check('routing_models_status_check', sql`${t.status} in (${sqlList(ROUTING_MODEL_STATUSES)})`),
  ],
);

/** Whether staff took a routing suggestion they were shown (the accepted share on the model page and the cockpit). */
export const routingFeedback = pgTable(
  'routing_feedback',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    modelVersion: integer('model_version').notNull(),
    /** Where it was shown: the reception form or the dispatch dialog. */
    context: text('context').$type<'reception' | 'dispatch'>().notNull(),
    isAccepted: boolean('is_accepted').notNull(),
    userId: uuid('user_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.id] }), index('routing_feedback_created_idx').on(t.districtCode, t.createdAt)],
);

/**
 * A one-time link sent to a party's phone (docs/ONLINE-MEDIATION.md): to sign the final agreement (`sign`), to join an
 * online session (`join`) or to receive a document (`deliver`). Only its SHA-256 is kept; the phone is the one on the
 * case when the link was made, where the SMS code goes. A verified code gives a short ticket (its SHA-256 here).
 */
export const onlineLinks = pgTable(
  'online_links',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    purpose: text('purpose').$type<'sign' | 'join' | 'deliver'>().notNull(),
    caseId: uuid('case_id').notNull(),
    /** The party the link names; null only for a join link to an invitee (exactly one of the two is set). */
    partyId: uuid('party_id'),
    /** join: the interpreter or lawyer/agent invited to the session (`online_invitees`) the link names. */
    inviteeId: uuid('invitee_id'),
    /** The agreement (sign), the session (join), or the document's row (deliver: the agreement, the reply, the case). */
    subjectId: uuid('subject_id').notNull(),
    /** deliver: `agreement`, `petition_reply` or `receipt`. */
    documentKind: text('document_kind'),
    phoneEnc: bytea('phone_enc').notNull(),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ticketHash: text('ticket_hash'),
    ticketExpiresAt: timestamp('ticket_expires_at', { withTimezone: true }),
    /** 送达: when the party first opened the document. */
    firstOpenedAt: timestamp('first_opened_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    uniqueIndex('online_links_token_key').on(t.districtCode, t.tokenHash),
    index('online_links_token_idx').on(t.tokenHash),
    index('online_links_subject_idx').on(t.districtCode, t.subjectId),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
    check('online_links_one_recipient', sql`num_nonnulls(${t.partyId}, ${t.inviteeId}) = 1`),
  ],
);

/**
 * Someone the mediator invites to an online session besides the parties (人民调解法 第二十条: the mediator may invite
 * people with special knowledge to take part): an interpreter (翻译) or a lawyer/agent (律师/代理人). Their mobile number
 * is personal data, kept like the parties' (AES-256-GCM, a keyed hash to find a repeat); the join link goes to it.
 */
export const onlineInvitees = pgTable(
  'online_invitees',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    caseId: uuid('case_id').notNull(),
    role: text('role').$type<'interpreter' | 'agent'>().notNull(),
    name: text('name').notNull(),
    phoneEnc: bytea('phone_enc').notNull(),
    phoneHash: text('phone_hash').notNull(),
    invitedBy: uuid('invited_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    uniqueIndex('online_invitees_session_phone_key').on(t.districtCode, t.sessionId, t.phoneHash),
    foreignKey({ columns: [t.districtCode, t.sessionId], foreignColumns: [mediationSessions.districtCode, mediationSessions.id] }),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/**
 * A party's signature drawn on the phone (电子签名法 Art.13: the signer's own, under their control, any change after
 * signing detectable): the image, the SHA-256 of the exact text signed, when, the phone the SMS code went to, the
 * address and browser. A text changed afterwards voids it (`voidedAt`), never deletes it.
 */
export const agreementSignatures = pgTable(
  'agreement_signatures',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    agreementId: uuid('agreement_id').notNull(),
    caseId: uuid('case_id').notNull(),
    partyId: uuid('party_id').notNull(),
    linkId: uuid('link_id').notNull(),
    imagePng: bytea('image_png').notNull(),
    textSha256: text('text_sha256').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true }).notNull().defaultNow(),
    phoneEnc: bytea('phone_enc').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidReason: text('void_reason'),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('agreement_signatures_agreement_idx').on(t.districtCode, t.agreementId),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/**
 * Who is in an online session's room (at most four: the mediator, the parties, an interpreter or a lawyer): the
 * short-lived token their browser signals with (its SHA-256), the rights notice accepted, the recording consent, and
 * every join and leave as they happen — the session record's attendance, written by the platform itself.
 */
export const onlineParticipants = pgTable(
  'online_participants',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    caseId: uuid('case_id').notNull(),
    /** An invitee's kind is their role: `interpreter` (翻译) or `agent` (律师/代理人). */
    kind: text('kind').$type<'mediator' | 'party' | 'interpreter' | 'agent'>().notNull(),
    partyId: uuid('party_id'),
    userId: uuid('user_id'),
    inviteeId: uuid('invitee_id'),
    displayName: text('display_name').notNull(),
    tokenHash: text('token_hash').notNull(),
    tokenExpiresAt: timestamp('token_expires_at', { withTimezone: true }).notNull(),
    state: text('state').$type<'waiting' | 'admitted' | 'removed'>().notNull(),
    rightsAcceptedAt: timestamp('rights_accepted_at', { withTimezone: true }),
    recordingConsent: boolean('recording_consent').notNull(),
    joinedAt: timestamp('joined_at', { withTimezone: true }),
    leftAt: timestamp('left_at', { withTimezone: true }),
    presence: jsonb('presence')
      .$type<{ at: string; event: 'joined' | 'left' | 'admitted' | 'removed' }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    uniqueIndex('online_participants_token_key').on(t.districtCode, t.tokenHash),
    index('online_participants_token_idx').on(t.tokenHash),
    index('online_participants_session_idx').on(t.districtCode, t.sessionId),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/**
 * A recording of an online session (docs/ONLINE-MEDIATION.md): the bytes are a file under DATA_DIR named by their
 * SHA-256 once complete (`recordings/ab/cd/<sha256>.webm`), never a table row; here what it is, whose, how far the
 * chunked upload has come (`nextSeq`) and the digest.
 */
export const sessionRecordings = pgTable(
  'session_recordings',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    caseId: uuid('case_id').notNull(),
    startedBy: uuid('started_by').notNull(),
    mimeType: text('mime_type').notNull(),
    status: text('status').$type<'recording' | 'complete'>().notNull().default('recording'),
    nextSeq: integer('next_seq').notNull().default(0),
    size: bigint('size', { mode: 'number' }).notNull().default(0),
    sha256: text('sha256'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('session_recordings_case_idx').on(t.districtCode, t.caseId),
    index('session_recordings_session_idx').on(t.districtCode, t.sessionId),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);
