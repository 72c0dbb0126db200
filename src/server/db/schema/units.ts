/** The org tree and its staff (modules/units/): every other table names a unit or a user. */
import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import type { UnitBoundary } from '../../../shared/schemas/map.js';
import { ROLES, UNIT_KINDS, type Role, type UnitKind } from '../../../shared/enums.js';
import { district, createdAt, sqlList } from './columns.js';

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
