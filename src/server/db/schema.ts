/**
 * The database schema (PostgreSQL only), one file per module that owns the tables under `schema/` (column helpers in
 * `schema/columns.ts`). Every domain table carries `district_code` (the tenant, a 6-digit division code) as the first
 * column of its primary key and of every unique key, so the schema can be distributed by district (Citus) without
 * redesign. drizzle-kit reads this file (drizzle.config.ts), and so does everything that imports the schema.
 */
export * from './schema/platform.js';
export * from './schema/units.js';
export * from './schema/auth.js';
export * from './schema/persons.js';
export * from './schema/registry.js';
export * from './schema/cases.js';
export * from './schema/calendar.js';
export * from './schema/deadlines.js';
export * from './schema/supervision.js';
export * from './schema/notifications.js';
export * from './schema/integrations.js';
export * from './schema/grid.js';
export * from './schema/cameras.js';
export * from './schema/search.js';
export * from './schema/related.js';
export * from './schema/packages.js';
export * from './schema/mediation.js';
export * from './schema/stats.js';
export * from './schema/counselling.js';
export * from './schema/learning.js';
