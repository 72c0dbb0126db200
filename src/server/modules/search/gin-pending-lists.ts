import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

/**
 * The GIN indexes (full-text vectors, trigram names, co-units) take new entries into a "pending list" first
 * (`fastupdate`, PostgreSQL's default) so that an insert stays cheap. Left alone, that list is merged only by
 * autovacuum or, once it passes `gin_pending_list_limit` (4 MB), by whichever insert finds it full — that
 * registration then waits while megabytes are merged, and until then every search reads the whole list
 * (bench:cases showed 145 pending pages and the text-candidate search of 风险研判 at 26 ms). Merging it every few
 * seconds in the background keeps inserts cheap, searches on the index proper, and the merge off the request path.
 */

/** One merge at a time across instances (a second would only wait on the same index pages). */
const MERGE_LOCK = sql`select pg_try_advisory_xact_lock(hashtextextended('fengqiao:gin-pending-lists', 0)) as locked`;

/** The schema's GIN indexes whose pending list is in use (`fastupdate` on, the default). */
const GIN_INDEXES = sql`
  select i.oid::regclass::text as name from pg_class i
  join pg_am am on am.oid = i.relam and am.amname = 'gin'
  join pg_namespace n on n.oid = i.relnamespace and n.nspname = current_schema()
  where i.relkind = 'i' and coalesce(array_to_string(i.reloptions, ',') not like '%fastupdate=off%', true)`;

/**
 * Merges the pending lists of the schema's GIN indexes into the indexes (`gin_clean_pending_list`). Returns the
 * pending pages merged per index (none when another instance was merging).
 */
export async function mergeGinPendingLists(db: Db): Promise<Map<string, number>> {
  return db.transaction(async (tx) => {
    const merged = new Map<string, number>();
    const { rows: lock } = await tx.execute<{ locked: boolean }>(MERGE_LOCK);
    if (!lock[0]?.locked) return merged;
    const { rows: indexes } = await tx.execute<{ name: string }>(GIN_INDEXES);
    for (const { name } of indexes) {
      const { rows } = await tx.execute<{ pages: string }>(sql`select gin_clean_pending_list(${name}::regclass) as pages`);
      merged.set(name, Number(rows[0]!.pages));
    }
    return merged;
  });
}
