import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { PersonalDataCrypto } from './lib/personal-data-crypto.js';
import type { WorkCalendarCache } from './modules/calendar/work-calendar.js';
import type { LiveHub } from './lib/live-hub.js';
import type { SmsGateway } from './modules/notifications/sms-gateway.js';

/** What every module needs from the outside world, built once in `main.ts` (or a test) and handed to `buildApp`. */
export interface Deps {
  config: Config;
  db: Db;
  /**
   * A read replica for the command centre's figures and the exports (DATABASE_READ_URL): a few seconds behind the
   * primary at most; lists, case pages and every write stay on `db` (docs/SCALING.md). Unset: `db` serves all.
   */
  readDb?: Db;
  crypto: PersonalDataCrypto;
  /** The working-day calendar (docs/LEGAL-BASIS.md §1), cached in memory. */
  calendar: WorkCalendarCache;
  /** Where text messages go (verification codes are sent at once; reminders through the outbox). */
  sms: SmsGateway;
  /** Live events to the boards, across instances (PostgreSQL LISTEN/NOTIFY). */
  live: LiveHub;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: Deps;
  }
}
