/** Connected systems (modules/integrations/). */
import { boolean, foreignKey, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Channel } from '../../../shared/enums.js';
import { bytea, district, createdAt } from './columns.js';
import { users } from './units.js';

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
