import type pg from 'pg';
import pino from 'pino';
import { runMigrations, type Db } from '../../src/server/db/client.js';
import { seedDemoData } from '../../src/server/db/seed-demo.js';
import { syncBuiltInCalendar } from '../../src/server/modules/calendar/calendar.repository.js';
import { ensureDefaultTimeLimits } from '../../src/server/modules/deadlines/time-limits.repository.js';

/** Migrations, the demo org tree and staff, the built-in calendar and the default time limits: what every test expects. */
export async function prepareTestDatabase(db: Db, pool: pg.Pool): Promise<void> {
  await runMigrations(pool);
  await seedDemoData({ db, log: pino({ level: 'warn' }) });
  await syncBuiltInCalendar(db);
  await ensureDefaultTimeLimits(db, '410871');
}
