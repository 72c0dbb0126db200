import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { connectDatabase } from '../../src/server/db/client.js';
import { startEmbeddedDatabase } from '../../src/server/db/embedded.js';
import { prepareTestDatabase } from './prepare-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseLabel: string;
  }
}

/**
 * One database for the whole run, migrated and loaded with the demo org tree and staff:
 * with DATABASE_URL, a fresh database on that server (dropped afterwards); without, an embedded PostgreSQL
 * in a temporary directory.
 */
export default async function setup(project: TestProject) {
  const log = pino({ level: 'warn' });
  let url: string;
  let teardown: () => Promise<void>;
  if (process.env.DATABASE_URL) {
    const name = `fengqiao_test_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const version = (await admin.query('show server_version')).rows[0].server_version as string;
    await admin.end();
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = `/${name}`;
    url = u.toString();
    project.provide('databaseLabel', `PostgreSQL ${version} at ${u.host}`);
    teardown = async () => {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-test-'));
    const embedded = await startEmbeddedDatabase({ dataDir, log, database: 'fengqiao_test' });
    url = embedded.url;
    project.provide('databaseLabel', 'embedded PostgreSQL');
    teardown = async () => {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  const database = connectDatabase(url, 2);
  try {
    await prepareTestDatabase(database.db, database.pool);
  } catch (err) {
    // Leave no database process behind when setup fails.
    await database.close();
    await teardown();
    throw err;
  }
  await database.close();
  console.log(`tests run on ${url.replace(/:[^:@/]*@/, ':***@')}`);
  project.provide('databaseUrl', url);
  return teardown;
}
