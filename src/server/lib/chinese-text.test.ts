import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { similarity, tokenize, trigrams, trigramSimilarity, trigramSimilarityBound, trigramsStored } from './chinese-text.js';

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

describe('token similarity (the preview’s 相似诉求 and 类案参考)', () => {
  /** The definition, spelt out: weights over the union of distinct tokens, those of both over all. */
  const byDefinition = (a: string[], b: string[]) => {
    const w = (t: string) => Math.max(1, t.length) * (t.length === 1 ? 0.5 : 1);
    const A = new Set(a);
    const B = new Set(b);
    let inter = 0;
    let union = 0;
    for (const t of new Set([...a, ...b])) {
      union += w(t);
      if (A.has(t) && B.has(t)) inter += w(t);
    }
    return union ? inter / union : 0;
  };

  it('a worked example: shared weight over the union, the longer shared words as the reason', () => {
    const a = tokenize('包工头拖欠工资三个月');
    const b = tokenize('装修公司拖欠工资两个月');
    const s = similarity(a, b);
    expect(s.score).toBe(byDefinition(a, b));
    expect(s.score).toBeGreaterThan(0);
    expect(s.score).toBeLessThan(1);
    expect(s.shared[0]).toBe('拖欠工资');
    // 工资 and 拖欠 are parts of 拖欠工资: not repeated as reasons.
    expect(s.shared).not.toContain('工资');
    expect(similarity(a, a).score).toBe(1);
    expect(similarity(a, []).score).toBe(0);
  });

  it('equals the definition on lists with repeats, in either order, and when a list is compared again', () => {
    let seed = 11;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
    const vocabulary = ['工资', '拖欠', '拖欠工资', '楼', '漏水', '楼上漏水', '物业', '噪音', '邻居', '装修', '公司', '钱'];
    const list = () => Array.from({ length: Math.floor(random() * 12) }, () => vocabulary[Math.floor(random() * vocabulary.length)]!);
    const lists = Array.from({ length: 40 }, list);
    for (const a of lists)
      for (const b of lists) {
        expect(similarity(a, b).score).toBe(byDefinition(a, b));
        expect(similarity(b, a).score).toBe(similarity(a, b).score);
      }
  });
});
