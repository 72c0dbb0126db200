import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { dbMemo } from '../../lib/db-memo.js';
import type { Db, Tx } from '../../db/client.js';
import { units, users } from '../../db/schema.js';

export type UnitRow = typeof units.$inferSelect;

export async function findUnitById(db: Db | Tx, districtCode: string, id: string): Promise<UnitRow | undefined> {
  const [row] = await db
    .select()
    .from(units)
    .where(and(eq(units.districtCode, districtCode), eq(units.id, id)));
  return row;
}

/**
 * A unit's path and the ids of the unit and every unit below it (a unit's path lists its ancestors' ids and is never
 * rewritten, so a case's `unit_path like '<path>%'` holds exactly when its `unit_id` is one of these); undefined when
 * there is no such unit.
 */
export async function findUnitSubtree(
  db: Db | Tx,
  districtCode: string,
  unitId: string,
): Promise<{ path: string; ids: string[] } | undefined> {
  // The subtree as a range of the path index (units_path_idx, text_pattern_ops): a path holds '/', '-', digits and
  // a–f only, all below '~', so the paths under p.path run from p.path to p.path || '~' — a prefix `like` with a
  // pattern read from a row could not use the index and would read every unit of the district.
  const { rows } = await db.execute<{ path: string; ids: string[] }>(sql`
    select p.path, array_agg(u.id::text) as ids
    from ${units} p join ${units} u on u.district_code = p.district_code
      and u.path ~>=~ p.path and u.path ~<~ (p.path || '~') and u.path like p.path || '%'
    where p.district_code = ${districtCode} and p.id = ${unitId} group by p.path`);
  return rows[0];
}

export async function findUnitByCode(db: Db | Tx, districtCode: string, code: string): Promise<UnitRow | undefined> {
  const [row] = await db
    .select()
    .from(units)
    .where(and(eq(units.districtCode, districtCode), eq(units.code, code)));
  return row;
}

export async function findUnitsByIds(db: Db | Tx, districtCode: string, ids: readonly string[]): Promise<UnitRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(units)
    .where(and(eq(units.districtCode, districtCode), inArray(units.id, [...ids])));
}

/** The names of many units, without their boundaries (a list of cases names its units; the map reads boundaries). */
export async function findUnitRefsByIds(db: Db | Tx, districtCode: string, ids: readonly string[]): Promise<UnitRef[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: units.id, code: units.code, name: units.name, path: units.path })
    .from(units)
    .where(and(eq(units.districtCode, districtCode), inArray(units.id, [...ids])));
}

/** The org tree without the units' boundaries (the map reads those; a tree of a few hundred units should not carry megabytes). */
export async function listUnits(db: Db, districtCode: string) {
  return db
    .select({
      id: units.id,
      parentId: units.parentId,
      code: units.code,
      name: units.name,
      kind: units.kind,
      depth: units.depth,
      path: units.path,
    })
    .from(units)
    .where(eq(units.districtCode, districtCode))
    .orderBy(asc(units.depth), asc(units.code));
}

export async function listStaffOfUnit(db: Db, districtCode: string, unitId: string) {
  return db
    .select({ id: users.id, displayName: users.displayName, role: users.role, unitId: users.unitId })
    .from(users)
    .where(and(eq(users.districtCode, districtCode), eq(users.unitId, unitId), isNull(users.disabledAt)))
    .orderBy(asc(users.displayName));
}

/** How long a unit stays in memory; the org tree's codes, names and paths are not edited at run time (seed only). */
const UNIT_CACHE_MS = 10 * 60_000;
type UnitRef = Pick<UnitRow, 'id' | 'code' | 'name' | 'path'>;
const cachedUnits = new WeakMap<Db, Map<string, { at: number; unit: UnitRef }>>();

async function cachedUnit(db: Db, districtCode: string, by: 'code' | 'id', value: string, via: Db | Tx): Promise<UnitRef | undefined> {
  let cache = cachedUnits.get(db);
  if (!cache) cachedUnits.set(db, (cache = new Map()));
  const hit = cache.get(`${districtCode}:${by}:${value}`);
  if (hit && Date.now() - hit.at < UNIT_CACHE_MS) return hit.unit;
  const row = by === 'code' ? await findUnitByCode(via, districtCode, value) : await findUnitById(via, districtCode, value);
  return row ? remember(cache, districtCode, row) : undefined;
}

function remember(cache: Map<string, { at: number; unit: UnitRef }>, districtCode: string, row: UnitRef): UnitRef {
  const unit = { id: row.id, code: row.code, name: row.name, path: row.path };
  cache.set(`${districtCode}:code:${row.code}`, { at: Date.now(), unit });
  cache.set(`${districtCode}:id:${row.id}`, { at: Date.now(), unit });
  return unit;
}

/**
 * Many units by id (a page of cases names their units), from memory as `findUnitByIdCached`; the ones not seen in
 * the last ten minutes in one statement. A unit that does not exist is left out.
 */
export async function findUnitRefsByIdsCached(db: Db, districtCode: string, ids: readonly string[]): Promise<UnitRef[]> {
  let cache = cachedUnits.get(db);
  if (!cache) cachedUnits.set(db, (cache = new Map()));
  const found: UnitRef[] = [];
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const hit = cache.get(`${districtCode}:id:${id}`);
    if (hit && Date.now() - hit.at < UNIT_CACHE_MS) found.push(hit.unit);
    else missing.push(id);
  }
  for (const row of await findUnitRefsByIds(db, districtCode, missing)) found.push(remember(cache, districtCode, row));
  return found;
}

/**
 * How long a unit's subtree stays in memory: a unit added below it (by the seed, never
 * by a request) joins its ancestors' lists within a minute, as an edit of the time limits reaches every instance.
 */
const SUBTREE_CACHE_MS = 60_000;
const cachedSubtrees = dbMemo<{ path: string; ids: string[] } | undefined>({ max: 5_000, ttlMs: SUBTREE_CACHE_MS });

/**
 * `findUnitSubtree` from memory (above): a list filtered by a street asked for the street's units on every page, a
 * statement planned each time (0.25 ms of PostgreSQL and a round trip per list, bench:related `PG_STATS=1`).
 */
export function findUnitSubtreeCached(db: Db, districtCode: string, unitId: string): Promise<{ path: string; ids: string[] } | undefined> {
  return cachedSubtrees.get(db, `${districtCode}:${unitId}`, () => findUnitSubtree(db, districtCode, unitId));
}

/**
 * A unit by its code or id, from memory when seen in the last ten minutes: every registration names its place unit,
 * and the org tree does not change while the platform runs (a unit added since is simply read from the database).
 * `via`: the open transaction to read through on a miss (never a second pooled connection while holding one).
 */
export const findUnitByCodeCached = (db: Db, districtCode: string, code: string, via: Db | Tx = db) =>
  cachedUnit(db, districtCode, 'code', code, via);
export const findUnitByIdCached = (db: Db, districtCode: string, id: string, via: Db | Tx = db) =>
  cachedUnit(db, districtCode, 'id', id, via);
