import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `op` (given a running counter) from `clients` concurrent workers for `seconds` seconds and records each latency. */
export async function load(name: string, op: (i: number) => Promise<boolean>, opts: { clients: number; seconds: number }): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let i = 0;
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
  return { name, count: latencies.length, errors, seconds: (performance.now() - start) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

/** One row of the results table: rate, p50, p95, p99 (ms), errors. */
export function report(r: Result, nameWidth = 34): string {
  const f = (x: number) => x.toFixed(1).padStart(8);
  return `${r.name.padEnd(nameWidth)} ${(r.count / r.seconds).toFixed(0).padStart(7)}/s ${f(percentile(r.latencies, 50))} ${f(percentile(r.latencies, 95))} ${f(percentile(r.latencies, 99))}   errors ${r.errors}`;
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
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', 'serve'], {
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
