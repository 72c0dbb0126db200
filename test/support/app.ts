import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import pg from 'pg';
import type { Logger } from 'pino';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject } from 'vitest';
import { buildApp, type App } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { connectDatabase, type Database } from '../../src/server/db/client.js';
import { prepareTestDatabase } from './prepare-database.js';
import { DEMO_PASSWORD } from '../../src/server/db/seed-demo.js';
import { createPersonalDataCrypto } from '../../src/server/lib/personal-data-crypto.js';
import { WorkCalendarCache } from '../../src/server/modules/calendar/work-calendar.js';
import { LiveHub } from '../../src/server/lib/live-hub.js';
import { runRiskAssessments } from '../../src/server/modules/related/assess-risk.js';
import { foldCaseStats } from '../../src/server/modules/stats/case-stats.js';
import type { SmsGateway } from '../../src/server/modules/notifications/sms-gateway.js';

export interface TestContext {
  app: App;
  database: Database;
  /** Every text message the app sent (the test driver of the SMS gateway). */
  sms: RecordingSmsGateway;
  /**
   * Runs what the server's scheduled tasks run a moment after a change (the queued risk assessments, the statistics
   * fold), now and to the end: a test reads their results deterministically instead of waiting for a timer.
   */
  settle(): Promise<{ assessed: number; folded: number }>;
  close(): Promise<void>;
}

/** An SMS gateway that keeps what it was given, for tests to read (the platform's edge; nothing is faked inside). */
export class RecordingSmsGateway implements SmsGateway {
  readonly sent: { to: string; text: string; dedupeKey: string }[] = [];
  async send(message: { to: string; text: string; dedupeKey: string }) {
    this.sent.push(message);
  }
  /** The last 6-digit code sent to `phone`. */
  lastCode(phone: string): string {
    const m = [...this.sent]
      .reverse()
      .find((s) => s.to === phone)
      ?.text.match(/\d{6}/);
    if (!m) throw new Error(`no code was sent to ${phone}`);
    return m[0];
  }
}

/**
 * The real app on the test database (shared by the run), with a fixed encryption key so every file agrees.
 * `isolated`: a database of the file's own instead, for tests that act on every case (the deadline sweep).
 * `logger`: the app logs there (quiet otherwise), for tests that read what would be logged.
 * `withWeb`: serve the built UI (`dist/web`), or the folder given.
 */
export async function startTestApp(
  opts: {
    withWeb?: boolean | string;
    isolated?: boolean;
    /** A database the test made itself (isolated: dropped at close). */
    databaseUrl?: string;
    env?: Record<string, string>;
    logger?: Logger;
  } = {},
): Promise<TestContext> {
  const url = opts.databaseUrl ?? (opts.isolated ? await createIsolatedDatabase() : inject('databaseUrl'));
  const dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-app-'));
  const key = Buffer.alloc(32, 7).toString('base64');
  // Rate-limit counters live in the database, shared by every app of the run: limits high enough never to bite;
  // a test of a limit sets its own and sends from an address of its own (inject's `remoteAddress`).
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    DATA_DIR: dataDir,
    ENCRYPTION_KEY: key,
    LOGIN_RATE_LIMIT: '100000',
    PORTAL_RATE_LIMIT: '100000',
    // Figures read right after a change are that change's: a test of shared cockpits sets its own.
    DASHBOARD_SHARE_SECONDS: '0',
    ...opts.env,
  });
  const database = connectDatabase(url, 10);
  const replica = config.DATABASE_READ_URL ? connectDatabase(config.DATABASE_READ_URL, 4) : undefined;
  const crypto = createPersonalDataCrypto(Buffer.from(key, 'base64'));
  const webRoot =
    typeof opts.withWeb === 'string' ? opts.withWeb : opts.withWeb ? fileURLToPath(new URL('../../dist/web', import.meta.url)) : undefined;
  const sms = new RecordingSmsGateway();
  const live = new LiveHub(url, undefined);
  const app = await buildApp({
    deps: { config, db: database.db, readDb: replica?.db, crypto, calendar: new WorkCalendarCache(database.db), sms, live },
    logger: opts.logger ?? false,
    webRoot,
  });
  await app.ready();
  return {
    app,
    database,
    sms,
    async settle() {
      let assessed = await runRiskAssessments({ db: database.db, crypto });
      // The database is shared by the run's files: another file's settle may hold some of this file's assessments under
      // its lease (claimed, not yet written). Wait (without claiming more) until none is, then take what came meanwhile —
      // else a case read next may not have its signals yet, or change under the test's feet (packages.test.ts).
      const claimed = async () =>
        (
          await database.pool.query<{ n: number }>(
            `select count(*)::int as n from case_assessments where last_error is null and run_after > now()`,
          )
        ).rows[0]!.n;
      // Under the test timeout (vitest.config.ts), so that this message is what a stuck lease shows.
      for (const until = Date.now() + 20_000; (await claimed()) > 0;) {
        if (Date.now() > until) throw new Error('risk assessments still claimed by another settle after 20 s');
        await new Promise((r) => setTimeout(r, 10));
      }
      assessed += await runRiskAssessments({ db: database.db, crypto });
      const folded = await foldCaseStats(database.db);
      return { assessed, folded };
    },
    async close() {
      await app.close();
      await live.close();
      await replica?.close();
      await database.close();
      if (opts.isolated) await dropDatabase(url);
    },
  };
}

/** A fresh database on the same server, migrated and loaded like the shared one. */
export async function createIsolatedDatabase(): Promise<string> {
  const shared = new URL(inject('databaseUrl'));
  const name = `fengqiao_iso_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: shared.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(shared);
  url.pathname = `/${name}`;
  const database = connectDatabase(url.toString(), 2);
  try {
    await prepareTestDatabase(database.db, database.pool);
  } finally {
    await database.close();
  }
  return url.toString();
}

/** A copy of a database no one is connected to (CREATE DATABASE … TEMPLATE): the same units, users and cases. */
export async function copyDatabase(url: string): Promise<string> {
  const name = `fengqiao_copy_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: inject('databaseUrl') });
  await admin.connect();
  await admin.query(`create database ${name} template ${new URL(url).pathname.slice(1)}`);
  await admin.end();
  const copy = new URL(url);
  copy.pathname = `/${name}`;
  return copy.toString();
}

export async function dropDatabase(url: string) {
  const admin = new pg.Client({ connectionString: inject('databaseUrl') });
  await admin.connect();
  await admin.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  await admin.end();
}

/** Signs a demo user in through the API and returns the session cookie header. */
export async function signIn(app: App, username: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: DEMO_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'fq_session');
  return `fq_session=${cookie!.value}`;
}

/**
 * Sends a case action as `cookie` at the version `readerCookie` sees now — for tests that are not about versions.
 * Returns the raw response.
 */
export async function actOnCaseNow(
  app: App,
  opts: { cookie: string; readerCookie: string },
  caseId: string,
  body: Record<string, unknown>,
) {
  const current = (await app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: { cookie: opts.readerCookie } })).json();
  return app.inject({
    method: 'POST',
    url: `/api/cases/${caseId}/actions`,
    headers: { cookie: opts.cookie },
    payload: { expectedVersion: current.version, ...body },
  });
}

/** As `actOnCaseNow`, for steps that must succeed: fails the test otherwise and returns the case. */
export async function actOnCaseOk(app: App, opts: { cookie: string; readerCookie: string }, caseId: string, body: Record<string, unknown>) {
  const res = await actOnCaseNow(app, opts, caseId, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
