import { LRUCache } from 'lru-cache';
import type { Db } from '../db/client.js';

/**
 * Answers read from a database kept in memory per database (`db` keys it) and per key, at most `max` of them, each for
 * `ttlMs`: callers asking at once share one read, and a failed read is not kept (the next caller reads again). For
 * values any key can have (a unit's subtree, a statement's estimate); a district's few settings use `districtMemo`.
 */
export function dbMemo<T>(opts: { max: number; ttlMs: number }) {
  const caches = new WeakMap<Db, LRUCache<string, Promise<T>>>();
  const cacheOf = (db: Db) => {
    let cache = caches.get(db);
    if (!cache) caches.set(db, (cache = new LRUCache<string, Promise<T>>({ max: opts.max, ttl: opts.ttlMs })));
    return cache;
  };
  return {
    /** What is kept for `key`, if anything (nothing is read; not counted as a use for eviction). */
    peek(db: Db, key: string): Promise<T> | undefined {
      return caches.get(db)?.peek(key);
    },
    /** Keeps `value` for `key`: something learnt on the way rather than read for the purpose. */
    remember(db: Db, key: string, value: T): void {
      cacheOf(db).set(key, Promise.resolve(value));
    },
    get(db: Db, key: string, load: () => Promise<T>): Promise<T> {
      const cache = cacheOf(db);
      const hit = cache.get(key);
      if (hit) return hit;
      const value = load();
      cache.set(key, value);
      value.catch(() => cache.get(key) === value && cache.delete(key));
      return value;
    },
  };
}
