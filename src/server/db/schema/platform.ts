/** What the plumbing keeps (lib/scheduled-task.ts, lib/counters.ts) and the logs every feature writes: who viewed personal data, what administrators changed. */
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { district } from './columns.js';

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
