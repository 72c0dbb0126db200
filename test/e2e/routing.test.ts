import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHistory } from '../../src/server/db/seed-demo.js';
import { trainDistrictModel } from '../../src/server/modules/learning/routing.js';
import { signInPage, startBrowserTest, type BrowserContext } from './browser.js';

/**
 * The clerk types a wage-arrears narrative at the reception form: the routing panel (beside the related-case panel)
 * brings 劳动争议 and the labour inspection unit to the top with the words that decided it, and accepting fills the
 * kind and category fields. Trained on the demo's generated year of history, on a database of this file's own.
 */
let b: BrowserContext;
beforeAll(async () => {
  b = await startBrowserTest({ isolated: true });
  await seedDemoHistory(b.ctx.database.db);
  const trained = await trainDistrictModel({
    db: b.ctx.database.db,
    districtCode: '410871',
    settings: { minPerCategory: 200, minPerUnit: 50 },
  });
  expect(trained?.status).toBe('active');
}, 180_000);
afterAll(() => b?.close());

describe('routing suggestions at the reception form, in Chromium', () => {
  it('wage arrears → 劳动争议 and 劳动保障监察大队 with the words; accepting fills the fields', { timeout: 90_000 }, async () => {
    const page = await signInPage(b, 'reception');
    await page.goto(`${b.baseUrl}/register`);
    const panel = page.getByTestId('routing-panel');
    await expect(panel.textContent()).resolves.toContain('填写事由或反映内容后');
    await page.getByLabel('事由').fill('讨要工资');
    await page.getByLabel('反映内容').fill('我在工地干了四个月，包工头一直拖欠工资不给，多次讨要没有结果。');
    await panel.getByTestId('routing-category-0').waitFor();
    expect(await panel.getByTestId('routing-category-0').textContent()).toContain('劳动争议');
    expect(await panel.getByTestId('routing-unit-0').textContent()).toContain('区人社局劳动保障监察大队');
    expect(await panel.getByTestId('routing-words').textContent()).toMatch(/工资|包工头|讨要/);
    await panel.getByTestId('routing-accept').click();
    await expect(page.getByTestId('category').textContent()).resolves.toContain('劳动争议');
    await panel.getByText('已采用').waitFor();
  });
});
