/**
 * `npm run bench:cases [-- --cases 100000 --seconds 10 --concurrency 50 --json out.json]`
 *
 * Seeds N cases (and lets the server's start-up backfill count and index them, as a platform in service has), then
 * measures over real HTTP, against a separate server process:
 *  - createCase: first C requests at once (the cold start after the server's start, reported on its own), then at C
 *    concurrent clients and at 1 client (each request a new case with new parties);
 *  - actOnCase at C concurrent clients: accept, then dispatch, on the cases just registered;
 *  - a filtered listCases (status + category + unit subtree, page 1 of 20) at C concurrent clients;
 * and, on the same PostgreSQL in the same run, the raw rate of single-row INSERTs from C connections.
 * The ratios to the raw insert rate are the figures the budget is stated in (docs/PERFORMANCE.md).
 * Uses the embedded PostgreSQL unless DATABASE_URL is set.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { connectDatabase, runMigrations } from '../src/server/db/client.js';
import { startEmbeddedDatabase } from '../src/server/db/embedded.js';
import { DEMO_PASSWORD, seedDemoData } from '../src/server/db/seed-demo.js';
import { buildCaseBody } from '../src/server/modules/cases/cases.factory.js';
import {
  cpuSeconds,
  freePort,
  http,
  load,
  percentile,
  report,
  statements,
  waitForStartupBackfill,
  sampleWaits,
  burst,
  drainRiskAssessments,
  writeJsonReport,
  profileWindow,
  type Result,
} from './support.js';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: process.env.BENCH_CASES ?? '100000' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '50' },
    json: { type: 'string' },
  },
});
const N = Number(args.cases);
const SECONDS = Number(args.seconds);
const C = Number(args.concurrency);
const root = fileURLToPath(new URL('..', import.meta.url));
const log = pino({ level: 'warn' });
const run = { clients: C, seconds: SECONDS };

/** Failed requests by what they answered, printed after the table: an error is a finding, not noise. */
const errorsSeen = new Map<string, number>();
function noteError(key: string) {
  errorsSeen.set(key, (errorsSeen.get(key) ?? 0) + 1);
}

/** Fills the cases table with N varied cases in one statement per 50,000 (timeline rows included). */
async function seedCases(pool: pg.Pool, n: number) {
  await pool.query(`
    create temp table if not exists bench_places as
      select row_number() over () as i, id, path from units where kind in ('community', 'grid');
  `);
  const batch = 50_000;
  for (let done = 0; done < n; done += batch) {
    const size = Math.min(batch, n - done);
    await pool.query(
      `
      with places as (select * from bench_places), np as (select count(*) as n from places),
      reg as (select id from users where username = 'reception'),
      src as (
        select g,
          (array['registered','accepted','dispatched','in_progress','concluded','followed_up','archived'])[1 + (g % 7)] as status,
          (array['marriage_family','neighbourhood','housing_homestead','contract','business','damages','labour','consumer','property_management','other'])[1 + (g % 10)] as category,
          (array['walk_in','phone','letter','online','grid','camera','transfer'])[1 + (g % 7)] as channel,
          (array['dispute','petition','help','grid_event'])[1 + (g % 4)] as kind,
          1 + (g * 7919 % (select n from np)) as place
        from generate_series($1::int, $2::int) g
      )
      insert into cases (district_code, code, tracking_token, channel, kind, category, summary, narrative, people_involved,
                         risk_level, unit_id, unit_path, registered_by, status, created_at, updated_at)
      select '410871', '410871-2025-' || lpad(g::text, 7, '0'), upper(md5(random()::text || g)), channel, kind, category,
             '压测案件 ' || g, '压测用的反映内容，用于衡量列表查询和登记的性能。', 1 + g % 5, 'low', p.id, p.path, reg.id, status,
             now() - (g % 700) * interval '1 day', now()
      from src join places p on p.i = src.place cross join reg
      `,
      [done + 1, done + size],
    );
  }
  await pool.query(`
    insert into case_events (district_code, case_id, at, action, to_status)
    select district_code, id, created_at, 'register', 'registered' from cases where code like '410871-2025-%'`);
  await pool.query('analyze');
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-bench-'));
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedDatabase({ dataDir: join(dataDir, 'db'), log, database: 'fengqiao_bench' });
  const url = process.env.DATABASE_URL ?? embedded!.url;
  const database = connectDatabase(url, C + 5);
  const { pool } = database;
  const server = (await pool.query('show server_version')).rows[0].server_version;
  console.log(`PostgreSQL ${server} (${embedded ? 'embedded' : 'DATABASE_URL'}), ${C} concurrent clients, ${SECONDS} s per measurement`);
  await runMigrations(pool);
  if (process.env.PG_STATS) await pool.query('create extension if not exists pg_stat_statements');
  await seedDemoData({ db: database.db, log });

  const t0 = performance.now();
  await seedCases(pool, N);
  console.log(`seeded ${N} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const port = await freePort();
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/server/main.ts', 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      LOGIN_RATE_LIMIT: '1000',
      // The daily retraining of the routing model (a worker thread busy for tens of seconds, once a day) would land in
      // whichever phase passes the server's first minute; it is measured on its own by bench:learning.
      ROUTING_RETRAIN_HOURS: '0',
      // The start-up backfill of the seeded cases at once: the bench waits for it before measuring.
      STARTUP_CHECKS_DELAY_SECONDS: '0',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const signIn = async (username: string) => {
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    return res.headers.get('set-cookie')!.split(';')[0]!;
  };
  const reception = await signIn('reception');
  const dispatcher = await signIn('dispatcher');
  const wenyuan = (await pool.query(`select id from units where code = '410871061'`)).rows[0].id as string;

  // A platform in service has counted and indexed its cases: wait for the start-up backfill of the seeded ones.
  console.log(`start-up backfill of the seeded cases done in ${(await waitForStartupBackfill(pool)).toFixed(1)} s`);
  if (process.env.PG_STATS) await pool.query('select pg_stat_statements_reset()');

  const registered: string[] = [];
  const createCase = async () => {
    const res = await http(`${base}/api/cases`, {
      method: 'POST',
      headers: { cookie: reception, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(buildCaseBody()),
    });
    const text = await res.text();
    if (res.status !== 201) noteError(`createCase ${res.status} ${text.slice(0, 200)}`);
    else registered.push(JSON.parse(text).id);
    return res.status === 201;
  };
  // The first C registrations after the start, all at once: the path's cold start, reported on its own (PERFORMANCE.md).
  const createFirst = await burst(`createCase, first ${C} at once`, createCase, C);
  const createWaits = sampleWaits(pool);
  const createMany = await load('createCase (HTTP, new case each)', createCase, run);
  await createWaits();
  await statements(pool, 'createCase');
  // The assessments the phase queued run a moment after each answer; the next phase measures its own work.
  const backlog = await drainRiskAssessments(pool);
  console.log(
    `risk assessments still queued after createCase: ${backlog.queued}, done ${backlog.seconds.toFixed(1)} s later (${backlog.rate.toFixed(0)}/s)` +
      (backlog.left ? `, ${backlog.left} left after 10 minutes` : ''),
  );
  const createOne = await load('createCase, 1 client', createCase, { clients: 1, seconds: SECONDS });
  await drainRiskAssessments(pool);
  await statements(pool, 'the assessments drained and createCase at 1 client');

  // accept, then dispatch, each case by one client (a dispatcher reads the case, then acts at the version shown).
  const sfs = (await pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id as string;
  const act = async (caseId: string, body: object) => {
    const res = await http(`${base}/api/cases/${caseId}/actions`, {
      method: 'POST',
      headers: { cookie: dispatcher, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200) noteError(`actOnCase ${res.status} ${text.slice(0, 200)}`);
    return res.status === 200 ? (JSON.parse(text) as { version: number }) : undefined;
  };
  const actLatencies: number[] = [];
  let actErrors = 0;
  let next = 0;
  const actCpu = cpuSeconds();
  const actWindow = profileWindow('actOnCase');
  const actStart = performance.now();
  const actWaits = sampleWaits(pool);
  const actUntil = actStart + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (performance.now() < actUntil && next < registered.length) {
        const id = registered[next++]!;
        const shown = (await (await http(`${base}/api/cases/${id}`, { headers: { cookie: dispatcher } })).json()) as { version: number };
        let t = performance.now();
        const accepted = await act(id, { action: 'accept', expectedVersion: shown.version });
        if (!accepted) {
          actErrors++;
          continue;
        }
        actLatencies.push(performance.now() - t);
        t = performance.now();
        if (await act(id, { action: 'dispatch', expectedVersion: accepted.version, leadUnitId: sfs }))
          actLatencies.push(performance.now() - t);
        else actErrors++;
      }
    }),
  );
  actWindow();
  await actWaits();
  await statements(pool, 'actOnCase');
  if (next >= registered.length)
    console.log(`actOnCase ran out of fresh cases after ${((performance.now() - actStart) / 1000).toFixed(1)} s`);
  const actMany: Result = {
    name: 'actOnCase (accept, dispatch)',
    count: actLatencies.length,
    errors: actErrors,
    seconds: (performance.now() - actStart) / 1000,
    latencies: actLatencies.sort((a, b) => a - b),
    cpuPerOp: Object.fromEntries(
      Object.entries(cpuSeconds()).map(([k, v]) => [
        k,
        Math.round(((v - (actCpu[k] ?? 0)) * 1e5) / Math.max(1, actLatencies.length)) / 100,
      ]),
    ),
  };

  const list = await load(
    'listCases (status+category+unit)',
    async () => {
      const res = await http(`${base}/api/cases?status=in_progress&category=labour&unitId=${wenyuan}&page=1&pageSize=20`, {
        headers: { cookie: dispatcher },
      });
      const text = await res.text();
      if (res.status !== 200) noteError(`listCases ${res.status} ${text.slice(0, 200)}`);
      return res.status === 200;
    },
    run,
  );
  await statements(pool, 'listCases');
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));

  // The ceiling: plain single-row INSERTs of a case-sized row, each its own transaction, from C connections.
  await pool.query(
    `create unlogged table if not exists bench_raw (id uuid primary key default gen_random_uuid(), a text, b text, c int, t timestamptz default now())`,
  );
  await pool.query(`alter table bench_raw set logged`);
  const narrative = buildCaseBody().narrative;
  const raw = await load(
    'raw INSERT (same PostgreSQL)',
    async () => {
      await pool.query('insert into bench_raw (a, b, c) values ($1, $2, $3)', ['压测', narrative, 1]);
      return true;
    },
    run,
  );

  const total = (await pool.query('select count(*)::int as n from cases')).rows[0].n;
  console.log(`\ncases in the table after the run: ${total}`);
  console.log(
    `${'operation'.padEnd(34)} ${'throughput'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
  );
  for (const r of [createFirst, createMany, createOne, actMany, list, raw]) console.log(report(r));
  for (const [key, n] of errorsSeen) console.log(`error ×${n}: ${key}`);
  const rate = (r: Result) => r.count / r.seconds;
  const ratios = { createCaseToRawInsert: rate(createMany) / rate(raw), actOnCaseToRawInsert: rate(actMany) / rate(raw) };
  console.log(
    `\ncreateCase ÷ raw insert = ${ratios.createCaseToRawInsert.toFixed(3)}   actOnCase ÷ raw insert = ${ratios.actOnCaseToRawInsert.toFixed(3)}`,
  );
  console.log(`createCase at 1 client: p50 ${percentile(createOne.latencies, 50).toFixed(1)} ms`);
  if (args.json) {
    writeJsonReport(
      args.json,
      {
        createCaseFirstBurst: createFirst,
        createCase: createMany,
        createCaseOneClient: createOne,
        actOnCase: actMany,
        listCases: list,
        rawInsert: raw,
      },
      ratios,
      {
        bench: 'cases',
        postgres: server,
        cases: N,
        seconds: SECONDS,
        concurrency: C,
        assessmentsQueuedAfterCreateCase: backlog.queued,
        assessmentDrainSeconds: Math.round(backlog.seconds * 10) / 10,
      },
    );
    console.log(`figures written to ${args.json}`);
  }

  await database.close();
  await embedded?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
