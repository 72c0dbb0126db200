import { describe, expect, it } from 'vitest';
import { chunkSeed } from './case-history.js';

describe('the generated history', () => {
  it('seeds each chunk of a load differently (chunks of 100,000 and 200,000 up to ten million), within setseed’s range', () => {
    for (const size of [100_000, 200_000]) {
      const seeds = Array.from({ length: 10_000_000 / size }, (_, i) => chunkSeed(1 + i * size));
      expect(new Set(seeds).size).toBe(seeds.length);
      for (const s of seeds) {
        expect(s).toBeGreaterThanOrEqual(-1);
        expect(s).toBeLessThan(1);
      }
    }
    // A second load numbered on from the first does not repeat the first's seeds either.
    expect(chunkSeed(1_000_001)).not.toBe(chunkSeed(1));
  });
});
