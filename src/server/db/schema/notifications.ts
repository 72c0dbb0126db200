/** What is sent (modules/notifications/): the outbox, the in-app inbox, SMS phone checks. */
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea, district, createdAt } from './columns.js';

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
