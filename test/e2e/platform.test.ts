import { DEMO_HISTORY_CASES } from '../../src/server/db/seed-demo.js';
import { EXACT_COUNT_UP_TO } from '../../src/server/modules/cases/cases.repository.js';
import { buildCaseBody } from '../../src/server/modules/cases/cases.factory.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-platform-'));
const crashDir = mkdtempSync(join(tmpdir(), 'fengqiao-crash-'));
afterAll(() => {
  for (const dir of [dataDir, crashDir]) rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `main.ts serve` as a real process on the embedded PostgreSQL, as the README's start command runs it. */
function startPlatform(port: number, nodeEnv = 'development', dir = dataDir): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', 'serve'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: nodeEnv, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitForHealth(port: number, proc: Proc): Promise<void> {
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`exited early:\n${proc.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The PID of the embedded PostgreSQL's postmaster, from its own lock file. */
const postmasterPid = (dir: string) => Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves when `pid` has gone (a process that is not our child cannot be awaited, only polled). */
async function gone(pid: number): Promise<void> {
  while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
}

async function login(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dispatcher', password: 'fengqiao-demo' }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

describe('the platform process on the embedded PostgreSQL', () => {
  it(
    'starts with demo data, refuses a second process on the same data, stops cleanly, and keeps the data',
    { timeout: 120_000 },
    async () => {
      const port = await freePort();
      const first = startPlatform(port);
      await waitForHealth(port, first);
      const cookie = await login(port);
      const list = await (await fetch(`http://127.0.0.1:${port}/api/cases?pageSize=100`, { headers: { cookie } })).json();
      // Four demo cases in their stages, and a year of demo history for the command centre.
      // Beyond EXACT_COUNT_UP_TO the list gives the database's estimate, marked as such (cases.repository.ts).
      expect(list.isTotalEstimate).toBe(4 + DEMO_HISTORY_CASES > EXACT_COUNT_UP_TO);
      if (4 + DEMO_HISTORY_CASES > EXACT_COUNT_UP_TO) expect(list.total).toBeGreaterThan(EXACT_COUNT_UP_TO);
      else expect(list.total).toBe(4 + DEMO_HISTORY_CASES);
      expect(list.items).toHaveLength(100);
      const page = await fetch(`http://127.0.0.1:${port}/cases`);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(statSync(join(dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);

      // A second process on the same data directory fails fast with a clear message.
      const second = startPlatform(await freePort());
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain('正被另一个枫桥进程使用');

      // SIGTERM: stops taking requests, stops PostgreSQL, exits 0.
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.output()).toContain('embedded PostgreSQL stopped');

      // The next start reuses the data: same cases, no second copy of the demo data.
      const again = startPlatform(port);
      await waitForHealth(port, again);
      const cookie2 = await login(port);
      const list2 = await (await fetch(`http://127.0.0.1:${port}/api/cases?pageSize=100`, { headers: { cookie: cookie2 } })).json();
      expect(list2.items.map((c: { id: string }) => c.id).sort()).toEqual(list.items.map((c: { id: string }) => c.id).sort());
      expect(again.output()).not.toContain('demo org tree and staff loaded');
      again.child.kill('SIGINT');
      expect(await again.exited).toBe(0);

      // Demo accounts have a published password: production refuses to start while they exist.
      const prod = startPlatform(await freePort(), 'production');
      expect(await prod.exited).toBe(1);
      expect(prod.output()).toContain('演示账号');
    },
  );

  it(
    'comes up healthy right after kill -9 of the platform, with or without its PostgreSQL, and keeps what it acknowledged',
    { timeout: 180_000 },
    async () => {
      const port = await freePort();
      const first = startPlatform(port, 'development', crashDir);
      await waitForHealth(port, first);
      const cookie = await login(port);
      const created = await fetch(`http://127.0.0.1:${port}/api/cases`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ ...buildCaseBody(), summary: '崩溃前登记的案件' }),
      });
      expect(created.status).toBe(201);
      const caseId = (await created.json()).id as string;

      // The platform alone dies: its PostgreSQL runs on, an orphan holding the data; the lock names a dead owner.
      const orphan = postmasterPid(crashDir);
      first.child.kill('SIGKILL');
      await first.exited;
      expect(isAlive(orphan)).toBe(true);
      const second = startPlatform(port, 'development', crashDir);
      await waitForHealth(port, second);
      expect(second.output()).toContain('taking over');
      expect(isAlive(orphan)).toBe(false);

      // Both die at once: a stale lock and a stale postmaster.pid.
      const postmaster = postmasterPid(crashDir);
      second.child.kill('SIGKILL');
      process.kill(postmaster, 'SIGKILL');
      await Promise.all([second.exited, gone(postmaster)]);
      expect(existsSync(join(crashDir, 'pg', 'postmaster.pid'))).toBe(true);
      const third = startPlatform(port, 'development', crashDir);
      await waitForHealth(port, third);
      const cookie3 = await login(port);
      const kept = await fetch(`http://127.0.0.1:${port}/api/cases/${caseId}`, { headers: { cookie: cookie3 } });
      expect(kept.status).toBe(200);

      // A live owner is still refused.
      const rival = startPlatform(await freePort(), 'development', crashDir);
      expect(await rival.exited).toBe(1);
      expect(rival.output()).toContain('正被另一个枫桥进程使用');

      // The parent goes away right after SIGTERM, closing the pipes the platform logs to: it still exits.
      const lastPostmaster = postmasterPid(crashDir);
      third.child.kill('SIGTERM');
      third.child.stdout!.destroy();
      third.child.stderr!.destroy();
      expect(await third.exited).toBe(0);
      await gone(lastPostmaster);
    },
  );

  it('exits after SIGTERM even when its log pipe breaks with lines still buffered', { timeout: 30_000 }, async () => {
    // pino's default writer flushed its buffer in an `exit` handler, retrying EPIPE forever (5 runs of 5 hung);
    // the platform's logger writes synchronously, so a burst of lines into a closed pipe cannot hold the exit.
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/log-then-exit.ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise((resolve) => child.stdout!.once('data', resolve));
    child.kill('SIGTERM');
    child.stdout!.destroy();
    child.stderr!.destroy();
    expect(await exited).toBe(0);
  });
});
