import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext } from '../support/app.js';
import { runRiskAssessments } from '../../src/server/modules/related/assess-risk.js';
import { runDeadlineSweep } from '../../src/server/modules/supervision/deadline-sweep.js';
import { sweepAgreementTerms } from '../../src/server/modules/mediation/agreements.js';
import { dispatchOutbox } from '../../src/server/modules/notifications/outbox.js';
import { markSilentCamerasOffline } from '../../src/server/modules/cameras/camera-alerts.js';
import { foldCaseStats } from '../../src/server/modules/stats/case-stats.js';
import { shanghaiDate } from '../../src/shared/calendar.js';

/**
 * The schema and the scheduled tasks stay ready for a city or province on Citus, distributed by `district_code`
 * (docs/SCALING.md): every primary and unique key of a district table begins with it, and every statement a scheduled
 * task sends names one district (no fan-out across shards, no lock across them).
 */
let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp({ isolated: true });
});
afterAll(() => ctx.close());

/** Tables without a district: the national calendar, the task leases, migrations' own and shared rate-limit counters. */
const REFERENCE_TABLES = new Set(['calendar_years', 'calendar_days', 'scheduled_tasks', 'rate_limit_counters', '__drizzle_migrations']);

describe('distribution by district', () => {
  it('every primary and unique key of a district table begins with district_code', async () => {
    const { rows } = await ctx.database.pool.query<{ table_name: string; index_name: string; first_column: string }>(`
      select t.relname as table_name, i.relname as index_name, a.attname as first_column
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
      join pg_class t on t.oid = x.indrelid
      join pg_namespace n on n.oid = t.relnamespace and n.nspname = 'public'
      join pg_attribute a on a.attrelid = t.oid and a.attnum = x.indkey[0]
      where (x.indisunique or x.indisprimary)`);
    const districtTables = new Set(
      (
        await ctx.database.pool.query<{ table_name: string }>(
          `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'district_code'`,
        )
      ).rows.map((r) => r.table_name),
    );
    const tables = new Set(rows.map((r) => r.table_name));
    for (const table of tables)
      if (!REFERENCE_TABLES.has(table)) expect(districtTables.has(table), `${table} has no district_code`).toBe(true);
    const wrong = rows
      .filter((r) => districtTables.has(r.table_name) && r.first_column !== 'district_code')
      .map((r) => `${r.table_name}.${r.index_name}`);
    expect(wrong).toEqual([]);
  });

  it('every statement of the scheduled tasks names one district', async () => {
    const statements: string[] = [];
    const original = pg.Client.prototype.query;
    // Record what the tasks send (the real driver still sends it).
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const config = args[0] as string | { text?: string };
      statements.push(typeof config === 'string' ? config : (config.text ?? ''));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      const db = ctx.database.db;
      await runDeadlineSweep({ db, calendar: await ctx.app.deps.calendar.get(), escalateAfterWorkingDays: 3 });
      await sweepAgreementTerms(db, shanghaiDate(new Date()));
      await dispatchOutbox({ db, sms: ctx.sms, crypto: ctx.app.deps.crypto });
      await markSilentCamerasOffline(db, 180);
      await runRiskAssessments({ db, crypto: ctx.app.deps.crypto });
      await foldCaseStats(db);
    } finally {
      pg.Client.prototype.query = original;
    }
    const districtTables = (
      await ctx.database.pool.query<{ table_name: string }>(
        `select distinct table_name from information_schema.columns where table_schema = 'public' and column_name = 'district_code'`,
      )
    ).rows.map((r) => r.table_name);
    // The one statement that lists the districts reads each tree's root: a reference read, the start of every task.
    const touching = statements.filter(
      (s) =>
        districtTables.some((t) => new RegExp(`\\b(from|update|into|join)\\s+"?${t}"?\\b`, 'i').test(s)) &&
        !/where parent_id is null/.test(s),
    );
    expect(touching.length).toBeGreaterThan(3);
    expect(touching.filter((s) => !/district_code"?\s*=/.test(s))).toEqual([]);
  });
});
