import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.js';

export type Db = NodePgDatabase<typeof schema>;
/** A transaction handle; use cases take `Db | Tx` so they can join a caller's transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  pool: pg.Pool;
  /** The connections behind `planOnceDb(db)`. */
  planOncePool: pg.Pool;
  close(): Promise<void>;
}

export function connectDatabase(url: string, max = 20, onError?: (err: Error) => void): Database {
  // Half the pool stays open when idle (pg-pool's `min`; others close after 10 s idle): a view that runs its reads at
  // once (the cockpit: ten statements) does not open new PostgreSQL backends — each a process that loads its catalog
  // caches afresh — after a quiet spell. `warmConnections` (db/prewarm.ts) opens them at start.
  const pool = new pg.Pool({ connectionString: url, max, min: Math.floor(max / 2) });
  // A few more connections, opened when first needed and then kept, that plan every named statement once, generically
  // (`plan_cache_mode`, set for the session at connect: it cannot be set inside one autocommitted statement). The case
  // steps' optimistic statements run there (`planOnceDb`): on the main pool a connection planned the step's statement
  // five times (custom plans) before it kept the generic plan, and again after each ANALYZE of a table it reads — a
  // fifth to a quarter of PostgreSQL's time under 50 clients (docs/PERFORMANCE.md, write path, tenth round); so do the
  // small lookups of lists and of the intake preview and a list's count under a street (`planOnceDb` below). Not the
  // main pool: there every unnamed statement (a list's filters) would get a generic plan too.
  const stepsMax = Math.max(2, Math.ceil(max / 4));
  const stepsPool = new pg.Pool({ connectionString: url, max: stepsMax, min: stepsMax, options: '-c plan_cache_mode=force_generic_plan' });
  // An idle connection the server drops (restart, failover) must not crash the process; the pool replaces it.
  pool.on('error', (err) => onError?.(err));
  stepsPool.on('error', (err) => onError?.(err));
  const db = drizzle(pool, { schema });
  trackCommits(db);
  const steps = drizzle(stepsPool, { schema });
  planOnceDbs.set(db, steps);
  // A pooler in front that refuses the startup option (PgBouncer without `options` in `ignore_startup_parameters`,
  // docs/SCALING.md) refuses those connections before anything runs: the statement runs on the main pool, and so
  // does every later one (they then plan as every other statement does). The pool's promise `query` only — all that
  // `planOnceDb` statements use (no transactions there); `planOncePool.connect()` itself is not redirected.
  const query = stepsPool.query.bind(stepsPool) as (...args: unknown[]) => Promise<unknown>;
  (stepsPool as unknown as { query: typeof query }).query = async (...args) => {
    try {
      return await query(...args);
    } catch (err) {
      if (!refusedStartupOption(err)) throw err;
      if (planOnceDbs.get(db) !== db) {
        planOnceDbs.set(db, db);
        onError?.(new Error(`the connections that plan once were refused (${(err as Error).message}); using the main pool`));
      }
      return (pool.query.bind(pool) as typeof query)(...args);
    }
  };
  return { db, pool, planOncePool: stepsPool, close: async () => void (await Promise.all([pool.end(), stepsPool.end()])) };
}

const planOnceDbs = new WeakMap<Db, Db>();

/** The server refused a connection for its startup parameters (PgBouncer: "unsupported startup parameter: options"). */
function refusedStartupOption(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '08P01' && /startup parameter/i.test(e.message ?? '');
}

/**
 * The connections of `db`'s database that plan each named statement once (generically): for autocommitted statements
 * that run many times with a plan dear to make (the optimistic case step, record-case-change.ts; the case page's read,
 * case-detail.ts; a list page's running clocks, case-clocks.ts; the intake preview's lookups, related-preview.ts; a
 * list's count under a street, cases.repository.ts) — each of one shape whose generic plan was checked at several table
 * sizes (docs/PERFORMANCE.md, reads sixteenth and seventeenth rounds). Statements only: no transactions, no commit hooks. `db` itself for a transaction or a database not
 * opened by `connectDatabase`.
 */
export function planOnceDb<Q extends Db | Tx>(db: Q): Q {
  return (planOnceDbs.get(db as Db) as Q | undefined) ?? db;
}

type CommitHook = (db: Db) => void;
type TransactionFn = (run: (tx: Tx) => Promise<unknown>, config?: unknown) => Promise<unknown>;

/** The work waiting for each open transaction's commit (by its handle), and the database it belongs to. */
const commitHooks = new WeakMap<object, { root: Db; hooks: CommitHook[] }>();
const roots = new WeakSet<object>();

/**
 * Runs `fn` once the transaction `q` has committed — never if it rolls back (a savepoint rolled back drops what was
 * registered inside it). Outside a transaction (`q` is the database itself) what was written has committed: at once.
 * For what must follow a commit but must not hold it up: the live boards' announcements (lib/live-hub.ts).
 */
export function afterCommit(q: Db | Tx, fn: CommitHook): void {
  const open = commitHooks.get(q);
  if (open) open.hooks.push(fn);
  else if (roots.has(q)) fn(q as Db);
  else throw new Error('afterCommit: not a transaction of connectDatabase');
}

/** Whether `q` is a database opened by `connectDatabase` (not one of its transactions). */
export function isDatabase(q: Db | Tx): q is Db {
  return roots.has(q);
}

/** Makes `db.transaction` (and savepoints inside it) keep and run their commit hooks. */
function trackCommits(root: Db) {
  roots.add(root);
  const wrap = (owner: object, done: (hooks: CommitHook[]) => void) => {
    const target = owner as { transaction: TransactionFn };
    const original = target.transaction.bind(owner);
    target.transaction = async (run, config) => {
      const hooks: CommitHook[] = [];
      const result = await original(async (tx) => {
        commitHooks.set(tx, { root, hooks });
        // A savepoint's hooks join the enclosing transaction's when it is released.
        wrap(tx, (inner) => hooks.push(...inner));
        return run(tx);
      }, config);
      done(hooks);
      return result;
    };
  };
  wrap(root, (hooks) => {
    for (const hook of hooks) hook(root);
  });
}

const migrationsFolder = new URL('./migrations', import.meta.url).pathname;

const MIGRATION_LOCK = 4_108_710_001;

/** Applies pending migrations. An advisory lock makes concurrent starts (several API processes) take turns. */
export async function runMigrations(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle(client, { schema }), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

/** What a drizzle database or transaction keeps inside (stable in drizzle-orm 0.45; used only by `executePrepared`). */
interface DrizzleInternals {
  dialect: { sqlToQuery(query: SQL): { sql: string; params: unknown[] } };
  session: { client: { query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }> } };
}

/**
 * Runs one of the hot write-path statements as a named prepared statement: each connection parses it once and
 * PostgreSQL can keep its plan, instead of planning a large statement on every registration. `name` must always go
 * with the same statement text (only the values differ).
 */
export function executePrepared<T>(q: Db | Tx, name: string, query: SQL): Promise<T[]> {
  return runNamed<T>(q, () => name, query);
}

async function runNamed<T>(q: Db | Tx, nameOf: (text: string) => string, query: SQL): Promise<T[]> {
  const { dialect, session } = q as unknown as DrizzleInternals;
  const built = dialect.sqlToQuery(query);
  const { rows } = await session.client.query({ name: nameOf(built.sql), text: built.sql, values: built.params });
  return rows as T[];
}

/**
 * `executePrepared` for a statement whose text takes one of a few shapes (a condition that depends on the actor's
 * role, say): each shape is its own named statement, named by a hash of its text.
 */
export function executePreparedShape<T>(q: Db | Tx, prefix: string, query: SQL): Promise<T[]> {
  return runNamed<T>(q, (text) => `${prefix}_${createHash('sha1').update(text).digest('base64url').slice(0, 16)}`, query);
}

/**
 * For a start-up backfill whose last batch found only rows a request held locked: whether cases matching `missing`
 * (a condition on `cases c`) remain — after a short wait for those requests to end, so the caller can try again.
 */
export async function stillMissing(db: Db, missing: SQL): Promise<boolean> {
  const { rows } = await db.execute(sql`select exists (select 1 from cases c where ${missing}) as missing`);
  if (!rows[0]?.missing) return false;
  await new Promise((r) => setTimeout(r, 200));
  return true;
}
