import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../test/support/app.js';
import { buildCaseBody } from '../modules/cases/cases.factory.js';
import { planOnceDb } from './client.js';

/**
 * The platform behind a real PgBouncer (Debian's `pgbouncer`, installed by .ci/run) in session mode, configured as a
 * site would leave it: `options` not in `ignore_startup_parameters`, so the connections that plan once (db/client.ts,
 * opened with `-c plan_cache_mode=…`) are refused. Steps and the case page must still work (docs/SCALING.md).
 */
let bouncer: ChildProcess;
let dir: string;
let ctx: TestContext;
let bouncerLog = '';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  const target = new URL(inject('databaseUrl'));
  const port = await freePort();
  dir = mkdtempSync(join(tmpdir(), 'fengqiao-pgbouncer-'));
  // PgBouncer will not run as root: it drops to the postgres user (`-u`), who must read its files.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'users.txt'), `"${decodeURIComponent(target.username)}" "${decodeURIComponent(target.password)}"\n`, {
    mode: 0o644,
  });
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      // Over TCP, as the server's own user (the embedded database asks a password; the machine's server trusts).
      `* = host=${target.hostname === 'localhost' ? '127.0.0.1' : target.hostname} port=${target.port || 5432} user=${decodeURIComponent(target.username)}${
        target.password ? ` password=${decodeURIComponent(target.password)}` : ''
      }`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = session',
      'max_client_conn = 200',
      'default_pool_size = 40',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asRoot = process.getuid?.() === 0;
  bouncer = spawn('pgbouncer', [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
  bouncer.stdout!.on('data', (d) => (bouncerLog += d));
  bouncer.stderr!.on('data', (d) => (bouncerLog += d));
  const spawned = new Promise<never>((_, reject) => {
    bouncer.once('error', (err) =>
      reject(new Error(`pgbouncer could not start (Debian package pgbouncer; .ci/run installs it): ${err.message}`)),
    );
    bouncer.once('exit', (code) => reject(new Error(`pgbouncer exited (${code}): ${bouncerLog}`)));
  });
  // Listening once a TCP connection is accepted.
  const listening = (async () => {
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.end();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await Promise.race([listening, spawned]);
  // The app's URL: PgBouncer's port on 127.0.0.1 (not the embedded database's socket folder, `?host=`).
  const url = new URL(target);
  url.searchParams.delete('host');
  url.hostname = '127.0.0.1';
  url.port = String(port);
  ctx = await startTestApp({ databaseUrl: url.toString() });
});

afterAll(async () => {
  await ctx?.close();
  bouncer?.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
});

describe('behind PgBouncer that refuses the startup option of the plan-once connections', () => {
  it('makes steps and shows the case page on the main pool instead', async () => {
    const reception = await signIn(ctx.app, 'reception');
    const admin = await signIn(ctx.app, 'admin');
    const registered = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: reception, 'idempotency-key': randomUUID() },
      payload: buildCaseBody(),
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const c = registered.json();
    // A step tried as one statement (optimistic), then the case page: both on those connections, were they accepted.
    const accepted = await actOnCaseOk(ctx.app, { cookie: reception, readerCookie: admin }, c.id, { action: 'accept' });
    expect(accepted.status).toBe('accepted');
    const page = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: admin } });
    expect(page.statusCode).toBe(200);
    expect(page.json().version).toBe(accepted.version);
    // They were refused — PgBouncer said so — and the statements now go to the main pool.
    expect(bouncerLog).toMatch(/unsupported startup parameter/);
    expect(planOnceDb(ctx.database.db)).toBe(ctx.database.db);
  });
});
