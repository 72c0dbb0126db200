import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { trigrams, trigramSimilarity, trigramSimilarityBound, trigramsStored } from './chinese-text.js';

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
});
afterAll(() => client.end());

describe('address trigrams', () => {
  // The same-place rule of the related-case preview compares addresses here instead of in SQL; the figures must be
  // pg_trgm's own (PLACE_SIMILARITY in modules/related/related-preview.ts was chosen with them).
  it("give pg_trgm's similarity for written addresses, letters and digits, spaces and dashes", async () => {
    const pairs: [string, string][] = [
      ['文苑街道东方社区7号楼', '东方社区7号楼'],
      ['东方社区7号楼3单元', '东方社区七号楼'],
      ['ABC路12号', 'abc路12号院'],
      ['幸福里小区 5栋-2单元', '幸福里小区5栋2单元'],
      ['𠈌村一组', '𠈌村二组'],
      ['人民路', '光明巷'],
      ['', '东方社区'],
    ];
    for (const [a, b] of pairs) {
      const { rows } = await client.query<{ s: number }>('select similarity($1, $2)::float8 as s', [a, b]);
      expect(trigramSimilarity(trigrams(a), trigrams(b)), `${a} ~ ${b}`).toBeCloseTo(rows[0]!.s, 5);
      // pg_trgm answers in float4 (0.4 is 0.40000000596…): compare with a margin below its precision.
      expect(trigramSimilarityBound(trigrams(a), trigrams(b))).toBeGreaterThanOrEqual(rows[0]!.s - 1e-6);
    }
  });

  it('read full-width digits as digits, which pg_trgm does not', () => {
    expect(trigramSimilarity(trigrams('和平路１２号'), trigrams('和平路12号'))).toBe(1);
  });

  it('are remembered by key only while the text is the same', () => {
    const first = trigramsStored('place:x', '东方社区7号楼');
    expect(trigramsStored('place:x', '东方社区7号楼')).toBe(first);
    expect([...trigramsStored('place:x', '西山村')]).toEqual([...trigrams('西山村')]);
  });
});
