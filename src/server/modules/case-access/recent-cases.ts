import { LRUCache } from 'lru-cache';
import { isDatabase, type Db, type Tx } from '../../db/client.js';
import type { ClockRow } from '../deadlines/case-clocks.js';
import type { CaseRow } from './case-row.js';

/**
 * The cases this process has just read whole (the case page, `findVisibleCaseDetail`) or changed (a step's answer), each
 * with its running clocks and its row version (`xmin`) from the same statement: what the next step on the same case
 * would read first (record-case-change.ts `changeOptimistically`). A dispatcher opens a case and accepts it, then
 * dispatches it: the step starts from the case as remembered, without reading it again.
 *
 * Never trusted, only tried: the step's statement writes only while the case row is still that very row version, and
 * every writer of a case or of its clocks writes the case row (deadlines/case-clocks.ts `lockCasesForClocks`), so a case
 * changed meanwhile — by another instance, a recomputation, a scheduled task — makes the statement write nothing, and the
 * step is made again on the case as read. A refusal judged on a remembered case is judged again on the case as read.
 * Only cases whose statistics and search rows exist are remembered (`backfilled`: the start-up backfills write them under
 * the case's lock without writing the case row, and they are never removed).
 */
export interface RecentCase {
  row: CaseRow;
  running: ClockRow[];
  xmin: string;
}

/**
 * A dispatcher's case is acted on within a minute or so of its page; older entries are read again. At most 32 MB per
 * database (a narrative may be 10,000 characters), as copies: what the caller goes on to do with its objects is not
 * what the next step starts from.
 */
const caches = new WeakMap<Db, LRUCache<string, RecentCase>>();
const cacheOf = (db: Db) => {
  let cache = caches.get(db);
  if (!cache)
    caches.set(
      db,
      (cache = new LRUCache<string, RecentCase>({
        max: 5_000,
        maxSize: 32 * 1024 * 1024,
        sizeCalculation: (c) => 4_096 + 2 * (c.row.narrative.length + c.row.summary.length + (c.row.placeAddress?.length ?? 0)),
        ttl: 5 * 60_000,
      })),
    );
  return cache;
};
const keyOf = (districtCode: string, caseId: string) => `${districtCode}/${caseId}`;

/**
 * Remembers a case as committed (`db` the database, not a transaction that could still roll back), with its running
 * clocks and row version from one statement.
 */
export function rememberCase(db: Db | Tx, recent: RecentCase): void {
  if (!isDatabase(db)) return;
  cacheOf(db).set(keyOf(recent.row.districtCode, recent.row.id), structuredClone(recent));
}

/** The case as last remembered, taken out (a step that succeeds remembers what it wrote). */
export function takeRecentCase(db: Db, districtCode: string, caseId: string): RecentCase | undefined {
  const cache = caches.get(db);
  const key = keyOf(districtCode, caseId);
  const recent = cache?.get(key);
  if (recent) cache!.delete(key);
  return recent;
}
