import { describe, expect, it } from 'vitest';
import { secureRandomBytes } from './secure-random.js';

describe('secure random bytes', () => {
  it('hands out each pooled byte once, across refills, and copies (a caller may keep or change its bytes)', () => {
    const draws = Array.from({ length: 2000 }, () => secureRandomBytes(12));
    expect(draws.every((b) => b.length === 12)).toBe(true);
    // 24,000 bytes: several refills of the 4 KB pool; 96-bit draws never repeat.
    expect(new Set(draws.map((b) => b.toString('hex'))).size).toBe(draws.length);
    // A draw is the caller's own: the pool refilled under it (4 KB drawn since) leaves it as it was.
    const mine = secureRandomBytes(16);
    const copy = Buffer.from(mine);
    for (let i = 0; i < 600; i++) secureRandomBytes(8);
    expect(mine).toEqual(copy);
    expect(secureRandomBytes(1000)).toHaveLength(1000);
    // Roughly uniform: every byte value turns up among 24,000 bytes.
    expect(new Set(draws.flatMap((b) => [...b])).size).toBe(256);
  });
});
