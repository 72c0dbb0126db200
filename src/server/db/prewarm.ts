import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, Database } from './client.js';

/**
 * What the first views after a start read (docs/SCALING.md, "Warm start"): the command centre's rollups and the
 * indexes of the case list, the search and the intake preview. Loaded into PostgreSQL's buffers (`buffer`) when small,
 * into the operating system's cache (`prefetch`) otherwise, so the first cockpit or list view does not wait on disk.
 * The embedded PostgreSQL also runs pg_prewarm's autoprewarm (db/embedded.ts), which reloads the buffers it had before
 * the restart; this covers a first start and a server without it.
 */
const HOT_RELATIONS: { name: string; mode: 'buffer' | 'prefetch'; withIndexes?: boolean }[] = [
  { name: 'case_stats_units', mode: 'buffer', withIndexes: true },
  { name: 'case_stats_breakdown', mode: 'buffer', withIndexes: true },
  { name: 'case_stats_pending', mode: 'buffer', withIndexes: true },
  { name: 'cases_open_unit_path_idx', mode: 'buffer' },
  { name: 'cases_created_idx', mode: 'buffer' },
  { name: 'cases_status_created_idx', mode: 'buffer' },
  { name: 'cases_district_code_id_pk', mode: 'buffer' },
  { name: 'case_parties_person_idx', mode: 'buffer' },
  { name: 'case_search_text_idx', mode: 'prefetch' },
  { name: 'cases', mode: 'prefetch' },
];

/** Warms the hot relations (best effort: a database without the pg_prewarm extension, or a role that may not create it, is left as it is). */
export async function prewarm(db: Db, log: Logger): Promise<number> {
  try {
    await db.execute(sql`create extension if not exists pg_prewarm`);
  } catch (err) {
    log.info({ err: (err as Error).message }, 'pg_prewarm not available: no warm start');
    return 0;
  }
  let blocks = 0;
  for (const r of HOT_RELATIONS) {
    try {
      const { rows } = await db.execute<{ n: number }>(
        sql`select coalesce(sum(pg_prewarm(x.oid, ${r.mode})), 0)::bigint as n from (
              select c.oid from pg_class c where c.relname = ${r.name} and pg_table_is_visible(c.oid)
              union all
              select i.indexrelid from pg_index i join pg_class c on c.oid = i.indrelid
              where ${r.withIndexes ?? false} and c.relname = ${r.name} and pg_table_is_visible(c.oid)) x`,
      );
      blocks += Number(rows[0]?.n ?? 0);
    } catch (err) {
      log.info({ relation: r.name, err: (err as Error).message }, 'relation not prewarmed');
    }
  }
  return blocks;
}

/** The tables the first views read: planning a scan of each loads their and their indexes' catalog entries. */
const FIRST_VIEW_TABLES = [
  'users',
  'units',
  'cases',
  'case_parties',
  'case_clocks',
  'case_events',
  'case_urges',
  'case_packages',
  'camera_alerts',
  'case_stats',
  'case_stats_units',
  'case_stats_breakdown',
  'case_stats_pending',
  'case_search',
  'routing_feedback',
];

/**
 * Opens the pool's idle minimum of connections before the first request and has each plan a scan of every table the
 * first views read, so the first cockpit or list view after a start neither waits for new PostgreSQL backends nor for
 * each to load its catalog caches (bench:cockpit's "first request after start"). Best effort: a failure only logs.
 */
export async function warmConnections(pool: Database['pool'], log: Logger): Promise<number> {
  const count = pool.options.min ?? 0;
  const warm = `select 1 from (${FIRST_VIEW_TABLES.map((t) => `(select 1 from ${t} limit 0)`).join(' union all ')}) x`;
  const clients = await Promise.allSettled(Array.from({ length: count }, () => pool.connect()));
  let warmed = 0;
  for (const c of clients) {
    if (c.status === 'rejected') {
      log.info({ err: (c.reason as Error).message }, 'connection not warmed');
      continue;
    }
    try {
      await c.value.query(warm);
      warmed++;
    } catch (err) {
      log.info({ err: (err as Error).message }, 'connection not warmed');
    } finally {
      c.value.release();
    }
  }
  return warmed;
}
