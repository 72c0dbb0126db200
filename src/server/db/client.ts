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
  close(): Promise<void>;
}

export function connectDatabase(url: string, max = 20, onError?: (err: Error) => void): Database {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection the server drops (restart, failover) must not crash the process; the pool replaces it.
  pool.on('error', (err) => onError?.(err));
  const db = drizzle(pool, { schema });
  return { db, pool, close: () => pool.end() };
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
export async function executePrepared<T>(q: Db | Tx, name: string, query: SQL): Promise<T[]> {
  const { dialect, session } = q as unknown as DrizzleInternals;
  const built = dialect.sqlToQuery(query);
  const { rows } = await session.client.query({ name, text: built.sql, values: built.params });
  return rows as T[];
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
