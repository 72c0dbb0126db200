import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHistory } from '../../src/server/db/seed-demo.js';
import { shanghaiDate } from '../../src/shared/calendar.js';
import { enUS } from '../../src/shared/locales/en-US.js';
import { zhCN } from '../../src/shared/locales/zh-CN.js';
import type { Cockpit } from '../../src/shared/schemas/stats.js';
import { signIn } from '../support/app.js';
import { drawnTexts, SCREENSHOTS, signInPage, startBrowserTest, textProblems, type BrowserContext } from './browser.js';

/**
 * Every text the command centre's charts draw is whole (issue 16: doughnut labels read "12…" and "30.5…"): the cockpit
 * at the clerk's and the leader's widths and the wall at 1920×1080 and scaled down to 1366, in Chinese and in English,
 * over the demo's year of history (every channel, every level), on a database of this file's own.
 */
let b: BrowserContext;
let cockpit: Cockpit;
const SHOTS = join(SCREENSHOTS, 'chart-labels');
mkdirSync(SHOTS, { recursive: true });
const LANGS = { 'zh-CN': zhCN, 'en-US': enUS } as const;
type Lang = keyof typeof LANGS;

beforeAll(async () => {
  b = await startBrowserTest({ isolated: true });
  await seedDemoHistory(b.ctx.database.db);
  await b.ctx.settle();
  // The cockpit's own default period: this year up to today, on the centre's calendar.
  const today = shanghaiDate(new Date());
  const res = await b.ctx.app.inject({
    method: 'GET',
    url: `/api/stats/cockpit?from=${today.slice(0, 4)}-01-01&to=${today}&grain=month`,
    headers: { cookie: await signIn(b.ctx.app, 'leader') },
  });
  expect(res.statusCode, res.body).toBe(200);
  cockpit = res.json();
}, 120_000);
afterAll(() => b?.close());

async function openAs(lang: Lang, path: string, viewport: { width: number; height: number }): Promise<Page> {
  const page = await signInPage(b, 'leader', { viewport });
  await page.evaluate((l) => localStorage.setItem('fq.lang', l), lang);
  await page.goto(`${b.baseUrl}${path}`);
  return page;
}

/** The ring's legend: one whole line per slice, its name and its share. */
function expectLegend(texts: { text: string }[], names: string[]) {
  const lines = texts.map((t) => t.text);
  for (const name of names)
    expect(lines, name).toContainEqual(expect.stringMatching(new RegExp(`^${name.replace(/[()[\]/.*+?^$|]/g, '\\$&')}  \\d{1,3}\\.\\d%$`)));
}

describe('chart labels', () => {
  for (const lang of Object.keys(LANGS) as Lang[]) {
    const dict = LANGS[lang] as Record<string, string>;
    for (const width of [1366, 1440, 1920]) {
      it(`cockpit at ${width} px in ${lang}: every label whole, inside its chart, none over another`, { timeout: 60_000 }, async () => {
        const page = await openAs(lang, '/command/cockpit', { width, height: 1080 });
        await page.getByTestId('cockpit').waitFor();
        for (const chart of ['chart-trend', 'chart-channel', 'chart-levels', 'chart-category']) {
          const drawn = await drawnTexts(page.getByTestId(chart));
          expect(drawn.texts.length, chart).toBeGreaterThan(0);
          expect(textProblems(drawn), `${chart} at ${width} px`).toEqual([]);
          if (chart === 'chart-channel')
            expectLegend(
              drawn.texts,
              cockpit.byChannel.filter((c) => c.received).map((c) => dict[`channel.${c.key}`]!),
            );
          if (chart === 'chart-levels')
            expectLegend(
              drawn.texts,
              ['village', 'town', 'district'].map((l) => dict[`level.${l}`]!),
            );
        }
        await page.screenshot({ path: join(SHOTS, `cockpit-${lang}-${width}.png`), fullPage: true });
        await page.context().close();
      });
    }

    for (const [width, height] of [
      [1920, 1080],
      [1366, 768],
    ] as const) {
      it(`wall screen at ${width}×${height} in ${lang}: the rings, the trend and the map's names whole`, { timeout: 60_000 }, async () => {
        const page = await openAs(lang, '/command/screen', { width, height });
        await page.getByTestId('screen-figures').waitFor();
        for (const chart of ['screen-levels', 'screen-trend', 'district-map']) {
          const drawn = await drawnTexts(page.getByTestId(chart));
          expect(drawn.texts.length, chart).toBeGreaterThan(0);
          expect(textProblems(drawn), `${chart} at ${width} px`).toEqual([]);
          if (chart === 'screen-levels')
            expectLegend(drawn.texts, [dict['level.village']!, dict['level.town']!, dict['level.district']!, dict['measure.escalated']!]);
        }
        await page.screenshot({ path: join(SHOTS, `wall-${lang}-${width}.png`) });
        await page.context().close();
      });
    }
  }
});
