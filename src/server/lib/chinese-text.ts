import { readFileSync } from 'node:fs';
import { Jieba, TfIdf } from '@node-rs/jieba';
import { dict, idf } from '@node-rs/jieba/dict.js';
import { LRUCache } from 'lru-cache';
import { pinyin } from 'pinyin-pro';

/**
 * Chinese text for search and similarity: jieba segmentation (search mode: a compound and its parts, so 拖欠工资
 * indexes as 拖欠工资, 拖欠 and 工资) with the centre's own words added (`domain-words.txt`: 多元化解, street names,
 * 扬言…), TF-IDF keywords, and pinyin of names.
 */
const jieba = Jieba.withDict(dict);
jieba.loadDict(readFileSync(new URL('./domain-words.txt', import.meta.url)));
const tfidf = TfIdf.withDict(idf);

/** Words that carry no meaning on their own. */
const STOP = new Set(
  '的 了 在 是 和 与 及 也 就 都 而 被 把 给 对 向 从 为 以 于 等 某 这 那 个 之 其 并 又 或 但 要 有 将 已 由 因 所 着 过 我 你 他 她 它 们 人 年 月 日 元 多 次 后 前 中 上 下 不 没 无'.split(
    ' ',
  ),
);
const MEANINGFUL = /[\p{Script=Han}\p{L}\p{N}]/u;

/** Search-mode tokens of `text`, normalised (NFKC, lower case), without punctuation and stop words. */
export function tokenize(text: string): string[] {
  const normal = text.normalize('NFKC').toLowerCase();
  return jieba.cutForSearch(normal, true).filter((t) => MEANINGFUL.test(t) && !STOP.has(t) && t.trim() === t && t.length <= 40);
}

/**
 * The tokens of a stored text (a case's summary and narrative), remembered by its key while the text is unchanged: the
 * intake preview and the risk assessment compare each draft with up to 100 recent cases, mostly the same ones, and
 * cutting them again was the largest part of their CPU time (bench:cases).
 */
const storedTokens = new LRUCache<string, { text: string; tokens: string[] }>({ max: 20_000 });
export function tokenizeStored(key: string, text: string): string[] {
  const hit = storedTokens.get(key);
  if (hit && hit.text === text) return hit.tokens;
  const tokens = tokenize(text);
  storedTokens.set(key, { text, tokens });
  return tokens;
}

/** The `count` most telling words of `text` (TF-IDF over jieba's corpus statistics), most telling first. */
export function keywords(text: string, count: number): string[] {
  return tfidf
    .extractKeywords(jieba, text.normalize('NFKC').toLowerCase(), count * 2)
    .map((k) => k.keyword)
    .filter((k) => MEANINGFUL.test(k) && !STOP.has(k))
    .slice(0, count);
}

/** Toneless pinyin of a name, syllables apart: 张三 and 张叁 both give "zhang san". Non-Chinese letters kept. */
export function namePinyin(name: string): string {
  return pinyin(name.normalize('NFKC').replace(/\s+/g, ''), { toneType: 'none', type: 'array', nonZh: 'consecutive' })
    .join(' ')
    .toLowerCase();
}

/** A token's weight in `similarity`: its length, a single character half. */
const tokenWeight = (t: string) => Math.max(1, t.length) * (t.length === 1 ? 0.5 : 1);

/**
 * A token list's distinct tokens and their total weight, remembered per list: a draft is compared with up to 100
 * cases whose lists come from `tokenizeStored`'s cache, so each list is made into a set once, not once per pair.
 */
const weighedLists = new WeakMap<readonly string[], { set: ReadonlySet<string>; weight: number }>();
function weighed(tokens: readonly string[]) {
  let w = weighedLists.get(tokens);
  if (!w) {
    const set = new Set(tokens);
    let weight = 0;
    for (const t of set) weight += tokenWeight(t);
    weighedLists.set(tokens, (w = { set, weight }));
  }
  return w;
}

/**
 * How alike two texts are, from their tokens: the share of IDF weight they have in common (weighted Jaccard), 0–1,
 * and the shared words that weigh most (the reason shown to staff).
 */
export function similarity(a: readonly string[], b: readonly string[]): { score: number; shared: string[] } {
  const A = weighed(a);
  const B = weighed(b);
  let inter = 0;
  const shared: string[] = [];
  for (const t of A.set)
    if (B.set.has(t)) {
      inter += tokenWeight(t);
      shared.push(t);
    }
  // The union's weight is both lists' less what they share (each distinct token once).
  const union = A.weight + B.weight - inter;
  // Longer shared words first; a word's own parts (工资 inside 拖欠工资) add nothing to the explanation.
  shared.sort((x, y) => y.length - x.length);
  const telling = shared.filter((t, i) => !shared.slice(0, i).some((longer) => longer.includes(t)));
  return { score: union ? inter / union : 0, shared: telling.slice(0, 5) };
}

/**
 * A text's distinct trigrams, each as one number, in ascending order: comparing two is one merge of two sorted arrays
 * (a risk assessment compares its draft with ~500 recent addresses of the unit; with sets of strings that comparison was
 * a quarter of the assessment's server CPU, docs/PERFORMANCE.md write path fourteenth round).
 */
export type Trigrams = Float64Array;

/**
 * One trigram as a number: its three characters' code points side by side (16 bits each: exact for every character of
 * the Basic Multilingual Plane). A trigram with a character beyond it (CJK Ext-B, 𠈌) is numbered above those, from a
 * 32-bit FNV-1a hash of its code points: two different such trigrams in the same two addresses could collide, with a
 * chance of about one in four billion per pair, and would then move that pair's similarity a little.
 */
function trigramCode(a: number, b: number, c: number): number {
  if (a < 0x10000 && b < 0x10000 && c < 0x10000) return a * 2 ** 32 + b * 2 ** 16 + c;
  let h = 0x811c9dc5;
  for (const cp of [a, b, c]) h = Math.imul(h ^ cp, 0x01000193) >>> 0;
  return 2 ** 48 + h;
}

/**
 * The trigrams of a written address as pg_trgm's `show_trgm` makes them (F.35 pg_trgm): lower case, each run of letters
 * and digits a word, padded with two spaces before and one after, each distinct three-character window once.
 */
export function trigrams(text: string): Trigrams {
  const out = new Set<number>();
  const space = 0x20;
  for (const word of text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)) {
    if (!word) continue;
    const chars = [space, space, ...Array.from(word, (ch) => ch.codePointAt(0)!), space];
    for (let i = 0; i + 3 <= chars.length; i++) out.add(trigramCode(chars[i]!, chars[i + 1]!, chars[i + 2]!));
  }
  return Float64Array.from(out).sort();
}

const storedTrigrams = new LRUCache<string, { text: string; grams: Trigrams }>({ max: 20_000 });
/** The trigrams of a stored text, remembered by its key while the text is unchanged (as `tokenizeStored`). */
export function trigramsStored(key: string, text: string): Trigrams {
  const hit = storedTrigrams.get(key);
  if (hit && hit.text === text) return hit.grams;
  const grams = trigrams(text);
  storedTrigrams.set(key, { text, grams });
  return grams;
}

/** pg_trgm's `similarity`: shared trigrams over all distinct trigrams of both texts, 0–1. */
export function trigramSimilarity(a: Trigrams, b: Trigrams): number {
  if (a.length === 0 || b.length === 0) return 0;
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}

/** The most `trigramSimilarity` can be for sets of these sizes (all of the smaller shared): a cheap first cut. */
export const trigramSimilarityBound = (a: Trigrams, b: Trigrams) =>
  a.length && b.length ? Math.min(a.length, b.length) / Math.max(a.length, b.length) : 0;

const quote = (t: string) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** A typed word and the parts search mode finds inside it. */
export type QueryWord = { word: string; parts: string[] };

/**
 * The words a person typed, each as jieba cuts it precisely, with the parts search mode finds inside it:
 * 拖欠工资 → [{ word: 拖欠工资, parts: [拖欠, 工资] }].
 */
export function queryWords(text: string): QueryWord[] {
  const normal = text.normalize('NFKC').toLowerCase();
  return jieba
    .cut(normal, true)
    .filter((w) => MEANINGFUL.test(w) && !STOP.has(w) && w.trim() === w)
    .map((word) => ({ word, parts: jieba.cutForSearch(word, true).filter((p) => p !== word && MEANINGFUL.test(p) && !STOP.has(p)) }));
}

/**
 * One tsquery per distinct typed word (`words`: what `queryWords` cut) over search-mode vectors: the word whole or all
 * of its parts (拖欠工资 → '拖欠工资' | ('拖欠' & '工资'), so "拖欠了工资" is found too), or an alias (`alias`: other
 * spellings of a word, e.g. its keyed hash for address words). Joined with ` & `, every word must be there; empty when
 * nothing searchable was typed. The same words with and without an alias give queries in the same order.
 */
export function wordQueries(words: QueryWord[], alias: (word: string) => string[] = () => []): string[] {
  const terms = words.map(({ word, parts }) => {
    const options = [quote(word), ...alias(word).map(quote)];
    if (parts.length > 1) options.push(`(${parts.map(quote).join(' & ')})`);
    return options.length > 1 ? `(${options.join(' | ')})` : options[0]!;
  });
  return [...new Set(terms)];
}

/**
 * A short passage of `text` around the first words of the query, split into plain and matching pieces for the UI to
 * mark (no HTML is made here).
 */
export function highlight(text: string, query: string, width = 60): { text: string; hit: boolean }[] {
  const words = [...new Set(queryWords(query).flatMap((w) => [w.word, ...w.parts]))].sort((a, b) => b.length - a.length);
  if (words.length === 0) return [{ text: text.slice(0, width), hit: false }];
  const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  const first = text.search(pattern);
  const start = Math.max(0, (first < 0 ? 0 : first) - Math.floor(width / 3));
  const passage = (start > 0 ? '…' : '') + text.slice(start, start + width) + (start + width < text.length ? '…' : '');
  const pieces: { text: string; hit: boolean }[] = [];
  let last = 0;
  for (const m of passage.matchAll(pattern)) {
    if (m.index > last) pieces.push({ text: passage.slice(last, m.index), hit: false });
    pieces.push({ text: m[0], hit: true });
    last = m.index + m[0].length;
  }
  if (last < passage.length) pieces.push({ text: passage.slice(last), hit: false });
  return pieces;
}
