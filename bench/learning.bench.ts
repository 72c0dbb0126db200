/**
 * `npx tsx bench/learning.bench.ts [--cases 1000000 --seconds 10 --train-runs 3 --json FILE]`
 *
 * Loads N cases of generated history (the demo's generator: varied narratives per category, lead units by category,
 * jieba-indexed), then measures:
 *  - `trainModel`: a routing-model training run on the district's dispatched and concluded cases (in a worker thread,
 *    as the schedule runs it; `--train-runs` times);
 *  - `suggestRouting`: `POST /api/routing/suggest` over real HTTP against a separate server process, 1 client;
 *  - `similarCases`: `GET /api/cases/{id}/similar` of random concluded cases, 1 client;
 * each as rate, p50 / p95 / p99 (ms) and errors. Uses the embedded PostgreSQL unless DATABASE_URL is set.
 * The budgets: suggest p95 ≤ 20 ms and similar p95 ≤ 50 ms at 1,000,000 cases; training 100,000 under 60 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { connectDatabase, runMigrations } from '../src/server/db/client.js';
import { startEmbeddedDatabase } from '../src/server/db/embedded.js';
import { seedDemoData } from '../src/server/db/seed-demo.js';
import { loadCaseHistory } from '../src/server/modules/demo/case-history.js';
import { trainDistrictModel } from '../src/server/modules/learning/routing.js';
import { mergeGinPendingLists } from '../src/server/modules/search/gin-pending-lists.js';
import { rebuildCaseStats } from '../src/server/modules/stats/case-stats.js';
import { load, percentile, report, startBenchServer, statements, waitForStartupBackfill, writeJsonReport, type Result } from './support.js';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: process.env.BENCH_CASES ?? '1000000' },
    seconds: { type: 'string', default: '10' },
    'train-runs': { type: 'string', default: '3' },
    'min-per-category': { type: 'string' },
    json: { type: 'string' },
  },
});
const N = Number(args.cases);
const SECONDS = Number(args.seconds);
const TRAIN_RUNS = Number(args['train-runs']);
// A small run still gets a ready model: the default minimum (200) scaled down below 8,000 cases.
const MIN_PER_CATEGORY = Number(args['min-per-category'] ?? Math.min(200, Math.max(10, Math.floor(N / 40))));
const log = pino({ level: 'warn' });
const KEY = Buffer.alloc(32, 9);

const NARRATIVES = [
  ['讨要工资', '我在工地干了四个月，包工头一直拖欠工资不给，多次讨要没有结果。'],
  ['楼上漏水', '楼上卫生间漏水，我家天花板和墙面都发霉了，对方不愿维修。'],
  ['物业停水', '物业公司说我们欠物业费，就把整栋楼的水停了，电梯也坏了很久。'],
  ['宅基地纠纷', '邻居翻建房屋时把院墙往我家宅基地里砌了一米多。'],
  ['预付卡退费', '健身房突然关门，办的会员卡还有三千多元没用完，商家联系不上。'],
  ['赡养老人', '老人有三个儿子，谁都不愿意出赡养费，老人生活没有着落。'],
  ['征地补偿', '村里的地被征收一年多了，补偿款还没有发到村民手里。'],
  ['油烟扰民', '楼下饭馆的油烟直接排到居民楼里，窗户都不敢开。'],
] as const;

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-bench-'));
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedDatabase({ dataDir: join(dataDir, 'db'), log, database: 'fengqiao_bench' });
  const url = process.env.DATABASE_URL ?? embedded!.url;
  const database = connectDatabase(url, 4);
  const { pool, db } = database;
  console.log(`PostgreSQL ${(await pool.query('show server_version')).rows[0].server_version}, ${N} cases, ${SECONDS} s per measurement`);
  await runMigrations(pool);
  await seedDemoData({ db, log });
  const reception = (await pool.query(`select id from users where username = 'reception'`)).rows[0].id as string;
  const t0 = performance.now();
  const to = new Date();
  await loadCaseHistory({
    db,
    districtCode: '410871',
    count: N,
    from: new Date(to.getTime() - 3 * 365 * 86_400_000),
    to,
    registeredBy: reception,
    withTimeline: false,
    withSearchWords: true,
    chunk: 100_000,
    onProgress: (done) => process.stdout.write(`\r  loaded ${done} / ${N}`),
  });
  console.log(`\nloaded ${N} cases in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  // Counted as an operator does after a bulk load (`npm run stats:rebuild`), not by the server's start-up backfill.
  const t1 = performance.now();
  await rebuildCaseStats(db, '410871');
  // And its words merged into the full-text index, as the server's task does every few seconds.
  await mergeGinPendingLists(db);
  await pool.query('analyze');
  console.log(`counted them in ${((performance.now() - t1) / 1000).toFixed(0)} s`);

  // Training, in this process as the scheduled task runs it (the worker thread does the work).
  const settings = { minPerCategory: MIN_PER_CATEGORY, minPerUnit: Math.max(10, Math.floor(MIN_PER_CATEGORY / 4)) };
  const trainLatencies: number[] = [];
  let trainErrors = 0;
  const trainStart = performance.now();
  for (let i = 0; i < TRAIN_RUNS; i++) {
    const s = performance.now();
    const r = await trainDistrictModel({ db, districtCode: '410871', settings }).catch((err: unknown) => {
      console.error(err);
      return null;
    });
    if (r && r.status !== 'not_ready') trainLatencies.push(performance.now() - s);
    else trainErrors++;
    console.log(`  training run ${i + 1}: ${r?.status ?? 'failed'} in ${((performance.now() - s) / 1000).toFixed(1)} s`);
  }
  const trainModel: Result = {
    name: 'trainModel',
    count: trainLatencies.length,
    errors: trainErrors,
    seconds: (performance.now() - trainStart) / 1000,
    latencies: trainLatencies.sort((a, b) => a - b),
  };
  const concluded = (
    await pool.query(`select id from cases where district_code = '410871' and status = 'archived' order by random() limit 2000`)
  ).rows.map((r: { id: string }) => r.id);

  // The server reads the active model and does not retrain on its own during the measurement (startBenchServer).
  const server = await startBenchServer({ url, dataDir, key: KEY });
  console.log(`start-up backfill of the loaded cases done in ${(await waitForStartupBackfill(pool)).toFixed(1)} s`);
  const dispatcher = await server.signIn('dispatcher');
  const suggest = async (i: number) => {
    const [summary, narrative] = NARRATIVES[i % NARRATIVES.length]!;
    const res = await fetch(`${server.base}/api/routing/suggest`, {
      method: 'POST',
      headers: { cookie: dispatcher, 'content-type': 'application/json' },
      body: JSON.stringify({ summary, narrative: `${narrative}（${i}）` }),
    });
    return res.status === 200 && (await res.json()).ready === true;
  };
  const similar = async (i: number) => {
    const res = await fetch(`${server.base}/api/cases/${concluded[(i * 7919) % concluded.length]}/similar`, {
      headers: { cookie: dispatcher },
    });
    return res.status === 200;
  };
  if (process.env.PG_STATS) await pool.query('create extension if not exists pg_stat_statements');
  // Warm the model cache and the connection pool before measuring.
  for (let i = 0; i < 20; i++) await suggest(i);
  if (process.env.PG_STATS) await pool.query('select pg_stat_statements_reset()');
  const suggestRouting = { ...(await load('suggestRouting, 1 client', suggest, { clients: 1, seconds: SECONDS })), name: 'suggestRouting' };
  await statements(pool, 'suggestRouting');
  // Warm as suggest is: the first calls read the candidates' pages from disk.
  // Other cases than the measured calls' ((len/2 + i) × 7919 mod len is len/2 away from i × 7919 mod len).
  for (let i = 0; i < 20; i++) await similar(Math.floor(concluded.length / 2) + i);
  if (process.env.PG_STATS) await pool.query('select pg_stat_statements_reset()');
  const similarCases = { ...(await load('similarCases, 1 client', similar, { clients: 1, seconds: SECONDS })), name: 'similarCases' };
  await statements(pool, 'similarCases');
  await server.stop();

  console.log(`\n${'operation'.padEnd(34)}    rate      p50      p95      p99  (ms)`);
  for (const r of [trainModel, suggestRouting, similarCases]) console.log(report(r));
  if (args.json) {
    writeJsonReport(
      args.json,
      { trainModel, suggestRouting, similarCases },
      {
        suggestP95Ms: percentile(suggestRouting.latencies, 95),
        similarP95Ms: percentile(similarCases.latencies, 95),
        trainP50Seconds: percentile(trainModel.latencies, 50) / 1000,
      },
      { cases: N, minPerCategory: MIN_PER_CATEGORY },
    );
    console.log(`figures written to ${args.json}`);
  }
  await database.close();
  await embedded?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
