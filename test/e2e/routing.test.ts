import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHistory } from '../../src/server/db/seed-demo.js';
import { trainDistrictModel } from '../../src/server/modules/learning/routing.js';
import { buildCaseBody } from '../../src/server/modules/cases/cases.factory.js';
import { actOnCaseOk, signIn } from '../support/app.js';
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
    // The panel answers each pause in typing: wait for the answer to the whole narrative, not to the summary alone.
    await panel.getByTestId('routing-unit-0').filter({ hasText: '区人社局劳动保障监察大队' }).waitFor();
    expect(await panel.getByTestId('routing-category-0').textContent()).toContain('劳动争议');
    expect(await panel.getByTestId('routing-words').textContent()).toMatch(/工资|包工头|讨要/);
    await panel.getByTestId('routing-accept').click();
    await expect(page.getByTestId('category').textContent()).resolves.toContain('劳动争议');
    await panel.getByText('已采用').waitFor();
  });

  it(
    'the dispatch dialog suggests the lead unit and the handlers; the case page shows similar settled cases',
    { timeout: 90_000 },
    async () => {
      const reception = await signIn(b.ctx.app, 'reception');
      const dispatcher = await signIn(b.ctx.app, 'dispatcher');
      const created = await b.ctx.app.inject({
        method: 'POST',
        url: '/api/cases',
        headers: { cookie: reception, 'idempotency-key': crypto.randomUUID() },
        payload: buildCaseBody(),
      });
      const id = created.json().id as string;
      await actOnCaseOk(b.ctx.app, { cookie: dispatcher, readerCookie: dispatcher }, id, { action: 'accept' });
      const page = await signInPage(b, 'dispatcher');
      await page.goto(`${b.baseUrl}/cases/${id}`);
      const similar = page.getByTestId('similar-cases');
      await similar.locator('.ant-list-item').first().waitFor();
      expect(await similar.locator('.ant-list-item').count()).toBe(5);
      expect(await similar.textContent()).toContain('同一类别');
      await page.getByTestId('case-actions').getByRole('button', { name: '分流派单' }).click();
      const dialog = page.getByRole('dialog');
      const panel = dialog.getByTestId('routing-panel');
      await panel.getByTestId('routing-unit-0').waitFor();
      expect(await panel.getByTestId('routing-unit-0').textContent()).toContain('区人社局劳动保障监察大队');
      await panel.getByTestId('routing-accept').click();
      // The field fills on the next render: wait for it rather than read it at once (a busy machine renders later).
      await dialog.getByTestId('lead-unit').filter({ hasText: '区人社局劳动保障监察大队' }).waitFor();
      // The unit's handlers, ranked with their reasons (吴涛 of the labour inspection unit has no wage case yet).
      await dialog.getByTestId('handler-suggestions').getByText('吴涛').waitFor();
      expect(await dialog.getByTestId('handler-suggestions').textContent()).toContain('尚无劳动争议案件的办理记录');
    },
  );
});
