/**
 * One computation shared by every request that asks the same question within a few seconds: a wall of screens and
 * the leaders' cockpits showing the same figures cost one read of the rollups, not one each (docs/SCALING.md). The
 * answer is never older than `ttlMs` — shorter than the big screen's refresh (30 s) — and a failure is not kept.
 */
export class SharedComputations<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 500,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = compute();
    const entry = { at: now, value };
    this.entries.delete(key);
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    // Oldest first out (a Map keeps insertion order).
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
