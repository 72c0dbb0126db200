import { spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '../src/server/db/seed-demo.js';

/** What the benchmarks share: timed load from concurrent clients, percentiles, the table row, a free port. */
export interface Result {
  name: string;
  count: number;
  errors: number;
  seconds: number;
  latencies: number[];
  /** CPU milliseconds per successful operation, by process group (Linux only): where the time went. */
  cpuPerOp?: Record<string, number>;
}

/**
 * CPU seconds used so far by this process (the load generator), the platform's server processes (`node … main.ts`)
 * and PostgreSQL's processes, from /proc (Linux; empty elsewhere). Two readings around a measurement tell which side
 * a change must make cheaper.
 */
export function cpuSeconds(): Record<string, number> {
  const totals: Record<string, number> = { bench: 0, server: 0, postgres: 0 };
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return {};
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
      // cutime + cstime: the CPU of children that ended and were reaped. PostgreSQL's postmaster reaps its backends and
      // autovacuum workers, so a worker that ends within a phase still counts (without it a phase could show less CPU
      // at its end than at its start: -0.13 ms per case, PERFORMANCE.md tenth write-path round).
      const reaped = (Number(fields[13]) + Number(fields[14])) / 100;
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (Number(pid) === process.pid) totals.bench! += seconds;
      else if (comm.startsWith('postgres')) totals.postgres! += seconds + reaped;
      else if (cmd.includes('src/server/main.ts')) totals.server! += seconds;
    } catch {
      // the process ended meanwhile
    }
  }
  return totals;
}

function cpuPerOp(before: Record<string, number>, after: Record<string, number>, ops: number): Record<string, number> | undefined {
  if (!ops || !Object.keys(before).length) return undefined;
  return Object.fromEntries(Object.keys(after).map((k) => [k, Math.round(((after[k]! - (before[k] ?? 0)) * 1e5) / ops) / 100]));
}

/**
 * A lean HTTP client for the load: node:http over kept-alive connections. The load generator shares the machine's
 * two cores with the server and PostgreSQL, and `fetch` spends about 1.7 ms of CPU per request of its own (measured
 * in bench:cases); this one a fraction of that, so the figures say more about the platform than about the client.
 * Same answer shape as `fetch` for what the benches read.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
export function http(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{
  status: number;
  ok: boolean;
  text: () => Promise<string>;
  json: () => Promise<unknown>;
  headers: Record<string, string | string[] | undefined>;
}> {
  return new Promise((resolve, reject) => {
    const body = typeof init.body === 'string' ? Buffer.from(init.body) : init.body;
    const req = httpRequest(
      url,
      { method: init.method ?? 'GET', agent, headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          resolve({
            status,
            ok: status >= 200 && status < 300,
            text: async () => text,
            json: async () => JSON.parse(text),
            headers: res.headers,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * With BENCH_CPU_PROF, prints the phase's window on the machine's monotonic clock (µs, as V8's profile timestamps), so
 * that the server's profile can be cut to one phase.
 */
export function profileWindow(name: string): () => void {
  if (!process.env.BENCH_CPU_PROF) return () => {};
  const from = process.hrtime.bigint() / 1000n;
  return () => console.log(`profile window "${name}": ${from} ${process.hrtime.bigint() / 1000n}`);
}

/** Runs `op` (given a running counter) from `clients` concurrent workers for `seconds` seconds and records each latency. */
export async function load(name: string, op: (i: number) => Promise<boolean>, opts: { clients: number; seconds: number }): Promise<Result> {
  const window = profileWindow(name);
  const latencies: number[] = [];
  let errors = 0;
  let i = 0;
  const cpuBefore = cpuSeconds();
  const start = performance.now();
  const until = start + opts.seconds * 1000;
  await Promise.all(
    Array.from({ length: opts.clients }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const ok = await op(i++).catch(() => false);
        if (ok) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  window();
  const cpu = cpuPerOp(cpuBefore, cpuSeconds(), latencies.length);
  return { name, count: latencies.length, errors, seconds, latencies: latencies.sort((a, b) => a - b), ...(cpu ? { cpuPerOp: cpu } : {}) };
}

/**
 * `n` operations at once, each once: the first requests a path sees after the server starts (its code not yet
 * compiled, its statements not yet prepared on the connections), measured and reported on their own so that the
 * measured window that follows shows the platform in service, and the start-up cost is still on record.
 */
export async function burst(name: string, op: (i: number) => Promise<boolean>, n: number): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const t0 = performance.now();
      const ok = await op(i).catch(() => false);
      if (ok) latencies.push(performance.now() - t0);
      else errors++;
    }),
  );
  return { name, count: latencies.length, errors, seconds: (performance.now() - start) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

/** One row of the results table: rate, p50, p95, p99 (ms), errors. */
export function report(r: Result, nameWidth = 34): string {
  const f = (x: number) => x.toFixed(1).padStart(8);
  const cpu = r.cpuPerOp
    ? `   CPU ms/op ${Object.entries(r.cpuPerOp)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ')}`
    : '';
  return `${r.name.padEnd(nameWidth)} ${(r.count / r.seconds).toFixed(0).padStart(7)}/s ${f(percentile(r.latencies, 50))} ${f(percentile(r.latencies, 95))} ${f(percentile(r.latencies, 99))}   errors ${r.errors}${cpu}`;
}

/**
 * The figures of a run as JSON (`--json FILE`): every operation with its rate, p50/p95/p99 (ms) and errors, and the
 * ratios the budgets are stated in.
 */
export function writeJsonReport(
  file: string,
  operations: Record<string, Result>,
  ratios: Record<string, number>,
  extra: Record<string, unknown> = {},
): void {
  const ops = Object.fromEntries(
    Object.entries(operations).map(([name, r]) => [
      name,
      {
        rate: r.count / r.seconds,
        p50: percentile(r.latencies, 50),
        p95: percentile(r.latencies, 95),
        p99: percentile(r.latencies, 99),
        errors: r.errors,
        count: r.count,
        ...(r.cpuPerOp ? { cpuMsPerOp: r.cpuPerOp } : {}),
        seconds: r.seconds,
      },
    ]),
  );
  writeFileSync(file, `${JSON.stringify({ ...extra, operations: ops, ratios }, null, 2)}\n`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/**
 * The platform as a separate process on `url` (as in production: its own event loop, real HTTP), started and waited
 * for; `signIn` returns a demo user's session cookie, `stop` sends SIGTERM and waits for the exit.
 */
export async function startBenchServer(opts: { url: string; dataDir: string; key: Buffer; env?: Record<string, string> }) {
  const port = await freePort();
  // BENCH_CPU_PROF=DIR: the server writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/server/main.ts', 'serve'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: {
      ...process.env,
      DATABASE_URL: opts.url,
      DATA_DIR: opts.dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      LOGIN_RATE_LIMIT: '1000',
      // The routing model retrains once a day for about a minute: a bench measures the steady state, not a training
      // that a freshly loaded history would start a minute after the server (the learning bench trains on its own).
      ROUTING_RETRAIN_HOURS: '0',
      // The benches that load cases in bulk wait for the start-up checks to fill their rows before measuring: at once.
      // bench:cockpit keeps the platform's delay, whose first requests after a restart are what it is for.
      STARTUP_CHECKS_DELAY_SECONDS: '0',
      ENCRYPTION_KEY: opts.key.toString('base64'),
      ...opts.env,
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
  return {
    base,
    /** The server's process id (its CPU and memory in /proc). */
    pid: child.pid!,
    async signIn(username: string): Promise<string> {
      const res = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: DEMO_PASSWORD }),
      });
      return res.headers.get('set-cookie')!.split(';')[0]!;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    },
  };
}

/**
 * Waits until the server's start-up backfills have counted and indexed every loaded case (`case_stats`, `case_search`),
 * as a platform in service has: measured before that, requests would share the machine with a one-off backfill.
 * Returns the seconds waited.
 */
export async function waitForStartupBackfill(pool: { query(text: string): Promise<{ rows: { stats: number; search: number }[] }> }) {
  const t0 = performance.now();
  for (;;) {
    // Whether any case still lacks either row (stops at the first one found), a second apart: polling must not be
    // the load it waits on.
    const { rows } = await pool.query(`select
      (select exists (select 1 from cases c where not exists (select 1 from case_stats s where s.district_code = c.district_code and s.case_id = c.id)))::int as stats,
      (select exists (select 1 from cases c where not exists (select 1 from case_search s where s.district_code = c.district_code and s.case_id = c.id)))::int as search`);
    if (rows[0]!.stats === 0 && rows[0]!.search === 0) return (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * With PG_STATS=1 (and pg_stat_statements preloaded, see db/embedded.ts), the statements that took the most time
 * since the last call: which query a change should make cheaper.
 */
export async function statements(pool: { query(text: string): Promise<{ rows: unknown[] }> }, label: string) {
  if (!process.env.PG_STATS) return;
  const { rows } = await pool.query(`select calls, round(total_exec_time) as ms, round(mean_exec_time::numeric, 3) as mean,
    round(max_exec_time) as max, plans, round(total_plan_time) as plan_ms, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 130) as q
    from pg_stat_statements order by total_exec_time + total_plan_time desc limit 15`);
  console.log(`statements during ${label}:`);
  console.table(rows);
  // Plans invalidated by ANALYZE (autovacuum's, after enough changes) are made again on every connection: when.
  const { rows: analyzed } = await pool.query(`select relname as table, autoanalyze_count as autoanalyzed, autovacuum_count as autovacuumed
    from pg_stat_user_tables where last_autoanalyze > now() - interval '1 minute' or last_autovacuum > now() - interval '1 minute' order by relname`);
  if (analyzed.length) console.table(analyzed);
  // The full-text indexes' pending lists (GIN fastupdate): a long one makes every search read it, and the insert that
  // finds it over gin_pending_list_limit merges it while its transaction waits.
  await pool.query('create extension if not exists pgstattuple');
  const { rows: gin } = await pool.query(`select c.relname as index, g.pending_pages, g.pending_tuples
    from pg_class c cross join lateral pgstatginindex(c.oid) g where c.relkind = 'i' and c.relam = (select oid from pg_am where amname = 'gin')`);
  console.table(gin);
  await pool.query('select pg_stat_statements_reset()');
}

/**
 * PG_STATS=1: what the database's busy connections were waiting for during a phase, sampled every 20 ms from
 * `pg_stat_activity` (a lock, an LWLock on a buffer or the WAL, I/O, or nothing: on the CPU). Call the returned
 * function at the phase's end to print the table.
 */
export function sampleWaits(pool: { query(text: string): Promise<{ rows: unknown[] }> }): () => Promise<void> {
  if (!process.env.PG_STATS) return async () => {};
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await pool.query(`select coalesce(wait_event_type || ':' || wait_event, 'CPU') as w, count(*)::int as n
        from pg_stat_activity where state = 'active' and pid <> pg_backend_pid() and backend_type = 'client backend' group by 1`);
      samples++;
      for (const r of rows as { w: string; n: number }[]) counts.set(r.w, (counts.get(r.w) ?? 0) + r.n);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return async () => {
    running = false;
    await loop;
    console.log(`busy connections by wait (mean over ${samples} samples):`);
    console.table(
      [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([wait, n]) => ({ wait, mean: (n / Math.max(1, samples)).toFixed(2) })),
    );
  };
}

/**
 * Waits until the server's start-up work (its backfill checks over every case, a few seconds at a million) has
 * finished: no statement of another connection running at two polls a second apart. A measurement that starts
 * before would charge those seconds to the first operation measured. With `autovacuum`, PostgreSQL's autovacuum
 * workers count as busy too (after a bulk load they work for minutes; at ten million cases the district's cockpit was
 * measured beside them once: docs/PERFORMANCE.md, ninth round).
 */
export async function waitForQuietDatabase(
  pool: { query(text: string): Promise<{ rows: unknown[] }> },
  opts: { autovacuum?: boolean } = {},
) {
  const backends = opts.autovacuum ? `'client backend', 'autovacuum worker'` : `'client backend'`;
  const t0 = performance.now();
  let quietPolls = 0;
  // Within a transaction a backfill works in JavaScript between statements ('idle in transaction'): busy too.
  while (quietPolls < 2 && performance.now() - t0 < 600_000) {
    await new Promise((r) => setTimeout(r, 1000));
    const { rows } = await pool.query(`select 1 from pg_stat_activity
      where state <> 'idle' and pid <> pg_backend_pid() and backend_type in (${backends}) and datname = current_database()`);
    quietPolls = rows.length === 0 ? quietPolls + 1 : 0;
  }
  return (performance.now() - t0) / 1000;
}

/**
 * Waits until the risk assessments queued by the registrations of a phase have run (`case_assessments` empty, at most
 * 10 minutes), so that the next phase measures its own work: how many were still queued and how long they took is
 * printed beside the phase, the assessments' own rate while nothing else ran. (An assessment that failed waits before
 * its next try and keeps the wait going to its 10 minutes: the bench then says how many were left.)
 */
export async function drainRiskAssessments(pool: { query(text: string): Promise<{ rows: { n: number }[] }> }) {
  const count = async () => (await pool.query('select count(*)::int as n from case_assessments')).rows[0]!.n;
  const queued = await count();
  const t0 = performance.now();
  let left = queued;
  while (left > 0 && performance.now() - t0 < 600_000) {
    await new Promise((r) => setTimeout(r, 250));
    left = await count();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { queued, left, seconds, rate: seconds ? (queued - left) / seconds : 0 };
}
