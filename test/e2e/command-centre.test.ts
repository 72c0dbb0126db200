import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/shared/calendar.js';
import { buildCaseBody } from '../../src/server/modules/cases/cases.factory.js';
import { readWorkbook } from '../../src/server/lib/workbook.js';
import type { MapLayers } from '../../src/shared/schemas/map.js';
import { actOnCaseOk, signIn } from '../support/app.js';
import { drawnTexts, SCREENSHOTS, signInPage, startBrowserTest, textProblems, type BrowserContext } from './browser.js';

/**
 * The command centre in a real browser, on a database of its own so every figure is this file's: the cockpit with
 * nothing fetched from outside, a drill-down to exactly the cases behind a figure, the Excel download, the big screen
 * at 1920×1080 with a new case arriving live, and the offline map. Screenshots go to test-results/screenshots/.
 */
let b: BrowserContext;
let reception: string;
let dispatcher: string;
let mediator: string;
const codes: string[] = [];

const register = async (summary: string) => {
  const res = await b.ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: reception, 'idempotency-key': randomUUID() },
    payload: buildCaseBody({ summary, category: 'neighbourhood', place: { address: '文苑街道东方社区', unitCode: '41087106100101' } }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; code: string };
};

beforeAll(async () => {
  b = await startBrowserTest({ isolated: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  reception = await signIn(b.ctx.app, 'reception');
  dispatcher = await signIn(b.ctx.app, 'dispatcher');
  mediator = await signIn(b.ctx.app, 'mediator');
  const sfs = (await b.ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
  for (const [i, summary] of ['楼道堆物纠纷', '广场舞噪音纠纷', '宠物扰邻纠纷'].entries()) {
    const c = await register(summary);
    codes.push(c.code);
    if (i === 2) continue;
    const send = (cookie: string, body: Record<string, unknown>) =>
      actOnCaseOk(b.ctx.app, { cookie, readerCookie: dispatcher }, c.id, body);
    await send(reception, { action: 'accept' });
    await send(dispatcher, { action: 'dispatch', leadUnitId: sfs });
    await send(mediator, { action: 'start' });
    await send(mediator, { action: 'conclude', outcome: 'agreement', note: '双方达成协议' });
  }
});
afterAll(() => b?.close());

describe('the command centre', () => {
  it('renders the cockpit from the platform alone, drills down to exactly the cases behind a figure, and exports what it shows', async () => {
    const page = await signInPage(b, 'leader', { acceptDownloads: true, viewport: { width: 1600, height: 1000 } });
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(b.baseUrl) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) outside.push(r.url());
    });
    const today = shanghaiDate(new Date());
    await page.goto(`${b.baseUrl}/command/cockpit?from=${today}&to=${today}`);
    await page.getByTestId('cockpit').waitFor();
    await expect.poll(() => page.getByTestId('cockpit-count-received').innerText(), { timeout: 10_000 }).toContain('3');
    await expect.poll(() => page.getByTestId('cockpit-count-concluded').innerText(), { timeout: 10_000 }).toContain('2');
    await page.locator('[data-testid=chart-trend] canvas').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'cockpit.png'), fullPage: true });
    expect(outside).toEqual([]);

    // The Excel file carries the figures the screen shows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cockpit-export').click()]);
    const book = await readWorkbook(readFileSync((await download.path())!));
    const figures = new Map(book.get('指标')!.map((r) => [r[0], r[1]]));
    expect(figures.get('收案')).toBe(3);
    expect(figures.get('办结')).toBe(2);
    expect(figures.get('化解率(%)')).toBe(100);
    await expect.poll(() => page.getByTestId('cockpit-rate-settlementRate').innerText(), { timeout: 10_000 }).toContain('100');

    // Clicking 办结 lists exactly the two concluded cases.
    await page.getByTestId('cockpit-count-concluded').click();
    await page.waitForURL(/\/cases\?figure=concluded/);
    await page.getByTestId('figure-filter').waitFor();
    const table = page.locator('.ant-table-tbody');
    await expect.poll(() => table.locator('tr.ant-table-row').count(), { timeout: 10_000 }).toBe(2);
    const listed = await table.locator('tr.ant-table-row').allInnerTexts();
    expect(listed.some((r) => r.includes(codes[0]!))).toBe(true);
    expect(listed.some((r) => r.includes(codes[1]!))).toBe(true);
    expect(listed.some((r) => r.includes(codes[2]!))).toBe(false);
    expect(outside).toEqual([]);
  });

  it('fills the 1920×1080 wall without scrollbars and shows a new case without a reload', { timeout: 90_000 }, async () => {
    const page = await signInPage(b, 'leader', { viewport: { width: 1920, height: 1080 } });
    await page.goto(`${b.baseUrl}/command/screen`);
    await page.getByTestId('screen-figures').waitFor();
    await page.locator('[data-testid=district-map] canvas').first().waitFor();
    await expect.poll(() => page.getByTestId('screen-new-cases').innerText(), { timeout: 10_000 }).toContain('宠物扰邻纠纷');
    const size = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      scrollHeight: document.documentElement.scrollHeight,
      bodyWidth: document.body.scrollWidth,
      bodyHeight: document.body.scrollHeight,
    }));
    expect(size.scrollWidth).toBeLessThanOrEqual(1920);
    expect(size.scrollHeight).toBeLessThanOrEqual(1080);
    expect(size.bodyWidth).toBeLessThanOrEqual(1920);
    expect(size.bodyHeight).toBeLessThanOrEqual(1080);
    const url = page.url();

    const arrived = await register('烧烤油烟扰民纠纷');
    await expect.poll(() => page.getByTestId('screen-new-cases').innerText(), { timeout: 15_000 }).toContain('烧烤油烟扰民纠纷');
    expect(page.url()).toBe(url);
    // Its figures follow on the wall's own 30-second cadence.
    await expect.poll(() => page.getByTestId('screen-figures').innerText(), { timeout: 45_000 }).toMatch(/收案\s*4/);
    await page.screenshot({ path: join(SCREENSHOTS, 'big-screen.png') });
    expect(arrived.code).toMatch(/^410871-/);
  });

  it('draws the map offline from the demo boundaries and opens a unit’s card', async () => {
    const page = await signInPage(b, 'leader', { viewport: { width: 1600, height: 1000 } });
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(b.baseUrl) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) outside.push(r.url());
    });
    await page.goto(`${b.baseUrl}/command/map`);
    await page.getByTestId('demo-geometry').waitFor();
    const canvas = page.locator('[data-testid=district-map] canvas').first();
    await canvas.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'map.png') });

    // The units carry their names without a hover: whole names, none over another, most of the communities named
    // at once (names that would collide are left out, not drawn over each other), every street at street level.
    const layers = (
      await b.ctx.app.inject({
        method: 'GET',
        url: `/api/map/layers?from=${shanghaiDate(new Date())}&to=${shanghaiDate(new Date())}`,
        headers: { cookie: await signIn(b.ctx.app, 'leader') },
      })
    ).json() as MapLayers;
    const namesOf = (kind: string) => layers.boundaries.features.filter((f) => f.properties.kind === kind).map((f) => f.properties.name);
    const communities = await drawnTexts(page.getByTestId('district-map'));
    expect(textProblems(communities)).toEqual([]);
    for (const t of communities.texts) expect(namesOf('community'), t.text).toContain(t.text);
    expect(communities.texts.length).toBeGreaterThanOrEqual(namesOf('community').length * 0.6);
    // A unit's card, reached by its name (the keyboard's way; a click on the canvas opens the same card).
    await page.getByLabel('查看单位…').click();
    await page.keyboard.type('东方社区');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="东方社区"]').click();
    const card = page.getByRole('dialog');
    await card.getByText('收案').waitFor();
    await expect.poll(() => card.innerText(), { timeout: 10_000 }).toMatch(/网格员/);
    await page.keyboard.press('Escape');
    await card.waitFor({ state: 'hidden' });
    await page.getByTestId('map-level').getByText('街道/乡镇').click();
    await expect.poll(() => page.getByTestId('district-map-frame').getAttribute('data-level')).toBe('street');
    const streets = await drawnTexts(page.getByTestId('district-map'));
    expect(textProblems(streets)).toEqual([]);
    expect(streets.texts.map((t) => t.text).sort()).toEqual(namesOf('street').sort());
    await page.screenshot({ path: join(SCREENSHOTS, 'map-streets.png') });
    expect(outside).toEqual([]);
  });

  it(
    'tells a read-only leader what the empty “三零” board shows and who fills it in; an administrator gets the first steps',
    { timeout: 90_000 },
    async () => {
      const leader = await signInPage(b, 'leader', { viewport: { width: 1440, height: 900 } });
      await leader.goto(`${b.baseUrl}/command/three-zero`);
      const empty = leader.getByTestId('three-zero-empty');
      await empty.waitFor();
      const text = await empty.innerText();
      // What the board shows, who fills it in (and how), and what the leader can do meanwhile.
      expect(text).toContain('零上访、零事故、零案件');
      expect(text).toMatch(/管理员或调度员填写/);
      expect(text).toMatch(/导出 Excel 填好后导入/);
      expect(text).toMatch(/不能填写。请联系本中心的管理员/);
      await empty.getByRole('button', { name: '打开领导驾驶舱' }).waitFor();
      expect(await leader.getByRole('button', { name: '从组织架构导入村(社区)' }).count()).toBe(0);
      expect(await leader.getByTestId('three-zero-table').count()).toBe(0);
      await leader.screenshot({ path: join(SCREENSHOTS, 'three-zero-empty-leader.png') });
      await leader.context().close();

      // The administrator starts from the empty board: the villages and communities of the org tree become the board,
      // which then says that this year's figures are still to be entered.
      const admin = await signInPage(b, 'admin', { viewport: { width: 1440, height: 900 } });
      await admin.goto(`${b.baseUrl}/command/three-zero`);
      await admin.getByTestId('three-zero-empty').getByRole('button', { name: '从组织架构导入村(社区)' }).click();
      await admin
        .locator('.ant-popconfirm')
        .getByRole('button', { name: /确\s*定/ })
        .click();
      await admin.getByTestId('three-zero-table').locator('tr.ant-table-row').first().waitFor();
      expect(await admin.getByTestId('three-zero-empty').count()).toBe(0);
      expect(await admin.getByTestId('three-zero-no-figures').innerText()).toContain(
        `${shanghaiDate(new Date()).slice(0, 4)} 年的事故和案件起数还没有填报`,
      );
      await admin.screenshot({ path: join(SCREENSHOTS, 'three-zero-villages.png') });
      await admin.context().close();
    },
  );
});
