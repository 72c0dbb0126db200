/** The grid workers’ app (modules/grid/). */
import { doublePrecision, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { district } from './columns.js';

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
