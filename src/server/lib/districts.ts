import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

const MAX_AGE_MS = 60_000;
const cached = new WeakMap<Db, { at: number; districts: Promise<string[]> }>();

/**
 * The districts this database serves (each org tree's root), for scheduled tasks: they work one district at a time, so
 * every statement filters by `district_code` — the distribution column when a city or province runs on Citus
 * (docs/SCALING.md): no task's query fans out across shards or locks across them. Read again at most once a minute.
 */
export function listDistricts(db: Db): Promise<string[]> {
  const hit = cached.get(db);
  if (hit && Date.now() - hit.at < MAX_AGE_MS) return hit.districts;
  const districts = db
    .execute<{ district_code: string }>(sql`select district_code from units where parent_id is null order by district_code`)
    .then(({ rows }) => rows.map((r) => r.district_code));
  const entry = { at: Date.now(), districts };
  cached.set(db, entry);
  districts.catch(() => cached.get(db) === entry && cached.delete(db));
  return districts;
}
