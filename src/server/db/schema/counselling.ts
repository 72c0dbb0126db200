/** 心理服务 (modules/counselling/): services, rooms, duty, appointments, notes, scales, crises, referrals, kiosk links. */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ScaleDefinition } from '../../../shared/scales.js';
import { APPOINTMENT_STATUSES, COUNSELLING_SOURCES, COUNSELLING_STATUSES, CRISIS_RISK_LEVELS } from '../../../shared/enums.js';
import { bytea, district, createdAt, sqlList } from './columns.js';
import { users } from './units.js';

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
