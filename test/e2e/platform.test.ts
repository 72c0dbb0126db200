import { DEMO_HISTORY_CASES } from '../../src/server/db/seed-demo.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'fengqiao-platform-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

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
function startPlatform(port: number, nodeEnv = 'development'): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', 'serve'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: nodeEnv, LOG_LEVEL: 'info' },
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
  it('starts with demo data, refuses a second process on the same data, stops cleanly, and keeps the data', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const first = startPlatform(port);
    await waitForHealth(port, first);
    const cookie = await login(port);
    const list = await (await fetch(`http://127.0.0.1:${port}/api/cases?pageSize=100`, { headers: { cookie } })).json();
    // Four demo cases in their stages, and a year of demo history for the command centre.
    expect(list.total).toBe(4 + DEMO_HISTORY_CASES);
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
  });
});
