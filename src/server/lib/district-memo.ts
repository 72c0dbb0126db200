import type { Db } from '../db/client.js';

/**
 * A district's rarely edited settings kept in memory per database (`db` keys it): read on a miss or once `maxAgeMs`
 * old — an edit through another instance reaches this one within that time — and at once after `forget` (an edit in
 * this process). A failed read is not kept: the next caller reads again. Used for the time limits, the risk rules and
 * the size of the search table (cases.repository.ts).
 */
export function districtMemo<T>(maxAgeMs: number) {
  const cached = new WeakMap<Db, Map<string, { loadedAt: number; value: Promise<T> }>>();
  return {
    get(db: Db, districtCode: string, load: () => Promise<T>): Promise<T> {
      let byDistrict = cached.get(db);
      if (!byDistrict) cached.set(db, (byDistrict = new Map()));
      const hit = byDistrict.get(districtCode);
      if (hit && Date.now() - hit.loadedAt < maxAgeMs) return hit.value;
      const entry = { loadedAt: Date.now(), value: load() };
      byDistrict.set(districtCode, entry);
      entry.value.catch(() => byDistrict.get(districtCode) === entry && byDistrict.delete(districtCode));
      return entry.value;
    },
    forget(db: Db, districtCode: string): void {
      cached.get(db)?.delete(districtCode);
    },
  };
}
