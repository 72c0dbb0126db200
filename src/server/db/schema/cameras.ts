/** Camera points and their folded alerts (modules/cameras/). */
import { sql } from 'drizzle-orm';
import {
  check,
  doublePrecision,
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
import { district, createdAt, sqlList } from './columns.js';
import { units } from './units.js';
import { cases } from './cases.js';

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
