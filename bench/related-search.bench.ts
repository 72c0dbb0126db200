/**
 * `npm run bench:related [-- --cases 1000000 --seconds 10 --concurrency 8]`
 *
 * Seeds N cases that read like a district's (20 kinds of complaint × 400 respondents × every community and grid,
 * one applicant per case drawn from N/5 residents, jieba-indexed like real ones), then measures over real HTTP against
 * a separate server process:
 *  - the intake preview `POST /api/cases/related-preview` (person by phone, respondent, place, similar narrative);
 *  - full-text search `GET /api/cases?q=…` as the dispatcher: rare words (in about one case in 20,000) and broad ones
 *    (each in 5% of all cases), ranked, with snippets;
 *  - the case list `GET /api/cases` with the filters the list page offers (status, category, a street's subtree);
 * each as p50 / p95 / p99 at 1 and C concurrent clients (JSON names `relatedPreview`, `searchRare`, `searchBroad`,
 * `listCases`, and `…@C`). The seeded cases are counted (`rebuildCaseStats`) before the server starts, as a platform in
 * service has them. Uses the embedded PostgreSQL unless DATABASE_URL is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { connectDatabase, runMigrations } from '../src/server/db/client.js';
import { startEmbeddedDatabase } from '../src/server/db/embedded.js';
import { DEMO_DISTRICT, seedDemoData } from '../src/server/db/seed-demo.js';
import { rebuildCaseStats } from '../src/server/modules/stats/case-stats.js';
import { tokenize } from '../src/server/lib/chinese-text.js';
import { createPersonalDataCrypto } from '../src/server/lib/personal-data-crypto.js';
import {
  http,
  load,
  percentile,
  report,
  startBenchServer,
  statements,
  waitForQuietDatabase,
  writeJsonReport,
  type Result,
} from './support.js';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: process.env.BENCH_CASES ?? '1000000' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    json: { type: 'string' },
    /** Keep the embedded database in this folder and reuse it when it already holds the seeded cases (re-measuring). */
    data: { type: 'string' },
    /** Measure only these operations (comma-separated JSON names: relatedPreview,searchRare,searchBroad,listCases). */
    only: { type: 'string' },
  },
});
const N = Number(args.cases);
const SECONDS = Number(args.seconds);
const C = Number(args.concurrency);
const OPERATIONS = ['relatedPreview', 'searchRare', 'searchBroad', 'listCases'] as const;
const only = args.only ? args.only.split(',') : [...OPERATIONS];
for (const name of only) {
  if (!(OPERATIONS as readonly string[]).includes(name)) throw new Error(`--only: unknown operation ${name} (${OPERATIONS.join(', ')})`);
}
const log = pino({ level: 'warn' });
const KEY = Buffer.alloc(32, 9);
const crypto = createPersonalDataCrypto(KEY);

const COMPLAINTS = [
  ['labour', '拖欠工资', '在{r}务工{m}个月，对方以工程款未结清为由拖欠工资{a}元，多次讨要未果。'],
  ['labour', '工伤赔偿', '在{r}干活时受伤，{r}拒绝承担医疗费用和误工费共{a}元。'],
  ['property_management', '物业费纠纷', '{r}服务不到位，电梯长期故障，业主拒交物业费，{r}停水停电。'],
  ['property_management', '车位纠纷', '{r}擅自将公共车位出租，业主多次协商无果。'],
  ['neighbourhood', '噪音扰民', '邻居装修每天早上六点施工，噪音扰民，协商{m}次无果。'],
  ['neighbourhood', '漏水纠纷', '楼上卫生间漏水{m}个月，墙面发霉，对方不愿维修。'],
  ['housing_homestead', '宅基地边界', '与邻居因宅基地边界发生争执，对方砌墙占用约{m}平方米。'],
  ['housing_homestead', '逾期交房', '购买{r}开发的安置房逾期{m}个月未交付，{r}拒绝支付违约金{a}元。'],
  ['contract', '借款纠纷', '借给熟人{a}元，约定{m}个月归还，到期后对方拒不还款。'],
  ['contract', '装修合同', '与{r}签订装修合同，对方收取{a}元后停工，至今未完工。'],
  ['consumer', '预付卡退费', '在{r}办理预付卡{a}元，门店关门后无法退费。'],
  ['marriage_family', '赡养纠纷', '老人有{m}个子女，子女互相推诿，不愿承担赡养费用。'],
  ['marriage_family', '离婚财产', '离婚后双方就房屋和存款{a}元的分割发生争议。'],
  ['damages', '交通事故赔偿', '电动车与{r}货车相撞，对方拒绝赔偿医疗费{a}元。'],
  ['land_acquisition', '征地补偿', '村里征地补偿款{a}元迟迟未发放，村民多次反映。'],
  ['environment', '油烟污染', '楼下{r}油烟直排，影响居民生活{m}个月。'],
  ['medical', '医疗纠纷', '在{r}手术后出现并发症，要求赔偿{a}元。'],
  ['business', '货款纠纷', '向{r}供货后对方拖欠货款{a}元，已{m}个月。'],
  ['traffic', '停车纠纷', '小区门口长期有车辆乱停，{r}不予处理。'],
  ['other', '噪声污染', '附近{r}夜间施工，噪声超标，影响休息。'],
] as const;
/** Rare events: one case in 2,000 mentions one of ten, so each is in about one case in 20,000. */
const RARE = ['燃气泄漏', '高空抛物', '直播带货', '电梯困人', '野狗伤人', '古树砍伐', '私搭电线', '违规养蜂', '鱼塘投毒', '井盖缺失'];
const RESPONDENTS = Array.from(
  { length: 400 },
  (_, i) =>
    `${['焦作', '示范区', '文苑', '李万'][i % 4]}${['宏达', '鑫源', '安居', '恒信', '万家', '盛世', '华泰', '金桥', '顺发', '东方'][i % 10]}${['装修', '物业', '置业', '建筑', '商贸', '餐饮', '医院', '运输'][Math.floor(i / 10) % 8]}有限公司${Math.floor(i / 80) || ''}`,
);

function caseOf(g: number) {
  const [category, summary, template] = COMPLAINTS[g % COMPLAINTS.length]!;
  const r = RESPONDENTS[(g * 7) % RESPONDENTS.length]!;
  const narrative = template
    .replaceAll('{r}', r)
    .replaceAll('{m}', String(1 + (g % 11)))
    .replaceAll('{a}', String(1000 * (1 + (g % 97))))
    .concat(g % 2000 === 0 ? `另反映${RARE[(g / 2000) % RARE.length]}问题。` : '');
  return { category, summary, narrative, respondent: r };
}
const phoneOf = (person: number) => `13${String(100_000_000 + person).slice(-9)}`;

async function main() {
  const dataDir = args.data ?? mkdtempSync(join(tmpdir(), 'fengqiao-bench-'));
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedDatabase({ dataDir: join(dataDir, 'db'), log, database: 'fengqiao_bench' });
  const url = process.env.DATABASE_URL ?? embedded!.url;
  const database = connectDatabase(url, 4);
  const { pool } = database;
  console.log(
    `PostgreSQL ${(await pool.query('show server_version')).rows[0].server_version}, ${N} cases, ${C} concurrent clients, ${SECONDS} s per measurement`,
  );
  await runMigrations(pool);
  await seedDemoData({ db: database.db, log });
  const reuse = (await pool.query(`select count(*)::int as n from cases`)).rows[0].n === N;
  if (reuse) console.log(`reusing the ${N} cases already seeded in ${dataDir}`);

  // Residents (N/5) and respondents as person records, with the keyed hashes the app computes.
  const t0 = performance.now();
  const people = Math.max(10, Math.floor(N / 5));
  const places = (await pool.query(`select id, path from units where kind in ('community', 'grid') order by code`)).rows as {
    id: string;
    path: string;
  }[];
  const reception = (await pool.query(`select id from users where username = 'reception'`)).rows[0].id as string;
  const statuses = ['registered', 'accepted', 'dispatched', 'in_progress', 'concluded', 'followed_up', 'archived'];
  if (!reuse) {
    for (let start = 0; start < people; start += 20_000) {
      const ids = Array.from({ length: Math.min(20_000, people - start) }, (_, k) => start + k);
      await pool.query(
        `insert into persons (district_code, id, type, name, name_pinyin, phone_enc, phone_hash, phone_suffix_hash)
       select '410871', ('00000000-0000-4000-8000-' || lpad(to_hex(p), 12, '0'))::uuid, 'person', '居民' || p, 'ju min', $2::bytea, h, s
       from unnest($1::int[], $3::text[], $4::text[]) as t(p, h, s)`,
        [
          ids,
          crypto.encrypt('13800000000'),
          ids.map((p) => crypto.lookupHash(phoneOf(p))),
          ids.map((p) => crypto.lookupHash(`phone-suffix:${phoneOf(p).slice(-4)}`)),
        ],
      );
    }
    await pool.query(
      `insert into persons (district_code, id, type, name) select '410871', ('00000000-0000-4000-9000-' || lpad(to_hex(i), 12, '0'))::uuid, 'organization', n
     from unnest($1::text[]) with ordinality as t(n, i)`,
      [RESPONDENTS],
    );
    // Two batches at a time on two connections: while PostgreSQL writes one, the other's words are cut here (one
    // after the other, the load used one of the two cores: 282 s per million).
    const batch = 5_000;
    let nextStart = 1;
    let seededCount = 0;
    // Each batch in a transaction of its own: a failed run leaves whole batches (a reused folder is checked by count).
    const seedBatch = async (start: number) => {
      const gs = Array.from({ length: Math.min(batch, N - start + 1) }, (_, k) => start + k);
      const rows = gs.map(caseOf);
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(
          `with src as (select * from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[]) as t(g, category, summary, narrative, unit_id, unit_path))
       insert into cases (district_code, id, code, tracking_token, channel, kind, category, summary, narrative, people_involved, risk_level,
                          place_address, unit_id, unit_path, registered_by, status, created_at, updated_at)
       select '410871', ('00000000-0000-4000-a000-' || lpad(to_hex(g), 12, '0'))::uuid, '410871-2025-' || lpad(g::text, 7, '0'), upper(md5(g::text)),
              'walk_in', 'dispute', category, summary, narrative, 1 + g % 3, 'low', '示范区某小区' || (g % 5000) || '号楼', unit_id, unit_path, $7::uuid,
              (array[${statuses.map((s) => `'${s}'`).join(',')}])[1 + g % 7], now() - (${N} - g) * (interval '700 days' / ${N}), now()
       from src`,
          [
            gs,
            rows.map((r) => r.category),
            rows.map((r) => r.summary),
            rows.map((r) => r.narrative),
            gs.map((g) => places[g % places.length]!.id),
            gs.map((g) => places[g % places.length]!.path),
            reception,
          ],
        );
        await client.query(
          `insert into case_parties (district_code, case_id, person_id, role, position, type, name, case_created_at)
       select '410871', ('00000000-0000-4000-a000-' || lpad(to_hex(g), 12, '0'))::uuid, ('00000000-0000-4000-8000-' || lpad(to_hex(g % $2), 12, '0'))::uuid, 'applicant', 0,
              'person', '居民' || (g % $2), now() - (${N} - g) * (interval '700 days' / ${N})
       from unnest($1::int[]) as g
       union all
       select '410871', ('00000000-0000-4000-a000-' || lpad(to_hex(g), 12, '0'))::uuid, ('00000000-0000-4000-9000-' || lpad(to_hex(1 + (g * 7) % $3), 12, '0'))::uuid, 'respondent', 1,
              'organization', ($4::text[])[1 + (g * 7) % $3], now() - (${N} - g) * (interval '700 days' / ${N})
       from unnest($1::int[]) as g`,
          [gs, people, RESPONDENTS.length, RESPONDENTS],
        );
        await client.query(
          `insert into case_search (district_code, case_id, search_vector, party_vector, case_created_at)
       select '410871', ('00000000-0000-4000-a000-' || lpad(to_hex(g), 12, '0'))::uuid, to_tsvector('simple', t), to_tsvector('simple', p),
              now() - (${N} - g) * (interval '700 days' / ${N})
       from unnest($1::int[], $2::text[], $3::text[]) as x(g, t, p)`,
          [
            gs,
            rows.map((r) => tokenize(`${r.summary}\n${r.narrative}`).join(' ')),
            gs.map((g, k) => [`居民${g % people}`, ...tokenize(rows[k]!.respondent)].join(' ')),
          ],
        );
        await client.query('commit');
      } catch (err) {
        await client.query('rollback');
        throw err;
      } finally {
        client.release();
      }
      seededCount += gs.length;
      if (seededCount % 100_000 < batch) process.stdout.write(`\r  seeded ${seededCount} / ${N}`);
    };
    let failed = false;
    await Promise.all(
      [0, 1].map(async () => {
        while (!failed && nextStart <= N) {
          const start = nextStart;
          nextStart += batch;
          await seedBatch(start).catch((err: unknown) => {
            failed = true; // the other worker stops after its batch
            throw err;
          });
        }
      }),
    );
    // What an operator does after a bulk load (as bench:cockpit): vacuum sets the visibility map and hint bits, so that
    // autovacuum does not do it during the measurements, and analyze the statistics.
    await pool.query('vacuum (analyze)');
    console.log(`\nseeded ${N} cases, ${people} residents in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const t1 = performance.now();
    await rebuildCaseStats(database.db, DEMO_DISTRICT);
    await pool.query('analyze');
    console.log(`counted (rebuildCaseStats) in ${((performance.now() - t1) / 1000).toFixed(0)} s`);
  }

  // The routing model is bench:learning's: no training may fall into these measurements (it starts a minute after
  // the server when no model exists).
  const server = await startBenchServer({ url, dataDir, key: KEY });
  const base = server.base;
  // Its start-up checks, and any autovacuum still at the loaded tables: neither is part of the measurements.
  console.log(
    `the server's start-up checks (and autovacuum) done in ${(await waitForQuietDatabase(pool, { autovacuum: true })).toFixed(1)} s`,
  );
  const signIn = server.signIn;
  const reception1 = await signIn('reception');
  const dispatcher = await signIn('dispatcher');

  const results: Partial<Record<(typeof OPERATIONS)[number], [one: Result, many: Result]>> = {};
  if (process.env.PG_STATS) await pool.query('create extension if not exists pg_stat_statements');
  // Each operation is measured warm: 20 calls first, unmeasured (jieba's dictionary, the first plans, the pages the
  // operation reads). The first request after a restart has its own budget, measured by bench:cockpit.
  // Each at 1 client (the latency a person feels), then at C at once (queueing on the machine's cores included).
  const measure = async (key: (typeof OPERATIONS)[number], name: string, op: (i: number) => Promise<boolean>) => {
    if (!only.includes(key)) return;
    const pair: Result[] = [];
    for (const clients of [1, C]) {
      if (clients === 1) {
        // Half the seeded cases away from the measured calls' (i × 104,729 mod N walks the cases from the start).
        for (let i = 0; i < 20; i++) await op(Math.floor(N / 2) + i);
        if (process.env.PG_STATS) await pool.query('select pg_stat_statements_reset()');
      }
      const label = `${name}, ${clients} client${clients === 1 ? '' : 's'}`;
      pair.push(await load(label, op, { clients, seconds: SECONDS }));
      await statements(pool, label);
    }
    results[key] = pair as [Result, Result];
  };
  const preview = async (i: number) => {
    const g = 1 + ((i * 104_729) % N);
    const c = caseOf(g);
    const res = await http(`${base}/api/cases/related-preview`, {
      method: 'POST',
      headers: { cookie: reception1, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'dispute',
        category: c.category,
        summary: c.summary,
        narrative: c.narrative,
        parties: [
          { role: 'applicant', type: 'person', name: `居民${g % people}`, phone: phoneOf(g % people) },
          { role: 'respondent', type: 'organization', name: c.respondent },
        ],
        place: { address: `示范区某小区${g % 5000}号楼` },
      }),
    });
    return res.status === 200 && ((await res.json()) as { related: unknown[] }).related.length > 0;
  };
  await measure('relatedPreview', 'related-preview', preview);
  const search = (words: readonly string[]) => async (i: number) => {
    const res = await http(`${base}/api/cases?q=${encodeURIComponent(words[i % words.length]!)}&pageSize=20`, {
      headers: { cookie: dispatcher },
    });
    return res.status === 200 && ((await res.json()) as { items: unknown[] }).items.length > 0;
  };
  const broad = ['拖欠工资', '物业费 停水', '漏水 墙面', '宅基地', '预付卡 退费', '噪音扰民', '征地补偿', '装修合同 停工', '油烟', '赡养'];
  const rare = N >= 20_000 ? RARE : RARE.slice(0, Math.max(1, Math.floor(N / 2000)));
  await measure('searchRare', 'search, rare words', search(rare));
  await measure('searchBroad', 'search, broad words', search(broad));
  // The case list as the dispatcher filters it: a status group, a category, a street's subtree (the filters the list
  // page offers), page 1 and a later page.
  const streets = (await pool.query(`select id from units where kind = 'street' order by code`)).rows as { id: string }[];
  const list = async (i: number) => {
    const c = COMPLAINTS[i % COMPLAINTS.length]!;
    const params = new URLSearchParams({ pageSize: '20', page: String(1 + (i % 3)) });
    if (i % 2 === 0) params.append('status', statuses[i % statuses.length]!);
    params.append('category', c[0]);
    if (streets.length && i % 3 !== 2) params.set('unitId', streets[i % streets.length]!.id);
    const res = await http(`${base}/api/cases?${params}`, { headers: { cookie: dispatcher } });
    return res.status === 200 && ((await res.json()) as { items: unknown[] }).items.length >= 0;
  };
  await measure('listCases', 'listCases', list);
  await server.stop();
  console.log(`${'operation'.padEnd(36)} ${'rate'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
  for (const pair of Object.values(results)) for (const r of pair) console.log(report(r, 36));
  if (args.json) {
    // Issue 15's scaling budget: p95 at C clients within 4× the 1-client p95.
    const ratio = ([one, many]: [Result, Result]) => percentile(many.latencies, 95) / percentile(one.latencies, 95);
    const measured = Object.entries(results) as [string, [Result, Result]][];
    writeJsonReport(
      args.json,
      Object.fromEntries(
        measured.flatMap(([key, [one, many]]) => [
          [key, one],
          [`${key}@${C}`, many],
        ]),
      ),
      Object.fromEntries(measured.map(([key, pair]) => [`${key}P95Scaling`, ratio(pair)])),
      { bench: 'related-search', cases: N, seconds: SECONDS, concurrency: C },
    );
    console.log(`figures written to ${args.json}`);
  }
  await database.close();
  await embedded?.stop();
  if (!args.data) rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
