import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * The served fallback font for the Chinese characters that the computers' own fonts lack (GB 18030-2022): names
 * with 生僻字 such as 𠈌 (CJK Extension B) or 㐀 (Extension A) must not become boxes.
 *
 * Source: npm `lxgw-wenkai-screen-web` (LXGW WenKai GB Screen, SIL Open Font License 1.1), already cut into ~250
 * unicode-range slices. Only the slices holding characters outside what every Chinese system font carries (Ext-A,
 * the supplementary planes B–H, compatibility ideographs, the URO's late additions) are named here, each with just
 * those characters as its unicode-range: the browser reaches this family only for a character no earlier font in
 * the stack has, and then fetches the one slice (tens of KB) holding it.
 */
const RARE_RANGES: [number, number][] = [
  [0x3400, 0x4dbf], // Extension A
  [0x9fa6, 0x9fff], // URO additions after GBK (Unicode 4.1+)
  [0xf900, 0xfaff], // compatibility ideographs
  [0x20000, 0x323af], // Extensions B–H
  [0x2f800, 0x2fa1f], // compatibility supplement
];

const FAMILY = 'FQ Rare Han';
export const RARE_HAN_MODULE = 'virtual:rare-han-font.css';
const PACKAGE_DIR = join(dirname(createRequire(import.meta.url).resolve('lxgw-wenkai-screen-web/package.json')), 'lxgwwenkaigbscreen');

function parseRanges(list: string): [number, number][] {
  return list.split(',').map((part) => {
    const [lo, hi] = part.trim().replace(/^U\+/i, '').split('-');
    return [parseInt(lo!, 16), parseInt(hi ?? lo!, 16)];
  });
}

function intersect(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [lo, hi] of ranges)
    for (const [rlo, rhi] of RARE_RANGES) {
      const a = Math.max(lo, rlo);
      const b = Math.min(hi, rhi);
      if (a <= b) out.push([a, b]);
    }
  return out;
}

const hex = (n: number) => n.toString(16);

/** The @font-face rules of the slices that hold rare characters, pointing at the package's files (Vite copies them, hashed). */
export function rareHanCss(): string {
  const css = readFileSync(join(PACKAGE_DIR, 'result.css'), 'utf8');
  const rules: string[] = [];
  for (const m of css.matchAll(/@font-face\s*{([^}]*)}/g)) {
    const body = m[1]!;
    const file = body.match(/url\("?\.\/([^")]+\.woff2)"?\)/)?.[1];
    const range = body.match(/unicode-range:([^;]+)/)?.[1];
    if (!file || !range) continue;
    const rare = intersect(parseRanges(range));
    if (!rare.length) continue;
    rules.push(
      `@font-face{font-family:"${FAMILY}";src:url("./${file}") format("woff2");font-style:normal;font-weight:400;font-display:swap;unicode-range:${rare.map(([a, b]) => (a === b ? `U+${hex(a)}` : `U+${hex(a)}-${hex(b)}`)).join(',')}}`,
    );
  }
  return rules.join('\n');
}

/** `import 'virtual:rare-han-font.css'` in a page's entry brings the rules; the font files follow as hashed assets. */
export function rareHanFont(): Plugin {
  // The module "lives" in the font's folder so that the rules' relative urls resolve to its files.
  const id = join(PACKAGE_DIR, 'rare-han-font.css');
  return {
    name: 'fengqiao:rare-han-font',
    enforce: 'pre',
    resolveId: (source) => (source === RARE_HAN_MODULE ? id : undefined),
    load: (loaded) => (loaded === id ? rareHanCss() : undefined),
  };
}
