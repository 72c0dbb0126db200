import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { buildApp, type App } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { connectDatabase, type Database } from '../../src/server/db/client.js';
import { DEMO_PASSWORD } from '../../src/server/db/seed-demo.js';
import { createPersonalDataCrypto } from '../../src/server/lib/personal-data-crypto.js';
import { WorkCalendarCache } from '../../src/server/modules/calendar/work-calendar.js';

export interface TestContext {
  app: App;
  database: Database;
  close(): Promise<void>;
}

/** The real app on the test database (shared by the run), with a fixed encryption key so every file agrees. */
export async function startTestApp(opts: { withWeb?: boolean } = {}): Promise<TestContext> {
  const url = inject('databaseUrl');
  const dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-app-'));
  const key = Buffer.alloc(32, 7).toString('base64');
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, DATA_DIR: dataDir, ENCRYPTION_KEY: key, LOGIN_RATE_LIMIT: '1000' });
  const database = connectDatabase(url, 10);
  const crypto = createPersonalDataCrypto(Buffer.from(key, 'base64'));
  const webRoot = opts.withWeb ? fileURLToPath(new URL('../../dist/web', import.meta.url)) : undefined;
  const app = await buildApp({ deps: { config, db: database.db, crypto, calendar: new WorkCalendarCache(database.db) }, logger: false, webRoot });
  await app.ready();
  return {
    app,
    database,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** Signs a demo user in through the API and returns the session cookie header. */
export async function signIn(app: App, username: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: DEMO_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'fq_session');
  return `fq_session=${cookie!.value}`;
}
