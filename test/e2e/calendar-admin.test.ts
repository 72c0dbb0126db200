import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInPage, startBrowserTest, type BrowserContext } from './browser.js';

let b: BrowserContext;
beforeAll(async () => {
  b = await startBrowserTest();
});
afterAll(() => b?.close());

describe('the administrator loads a new year’s holidays, in Chromium', () => {
  it('enters 2029 元旦, saves it, and the calculator counts it at once', { timeout: 60_000 }, async () => {
    const page = await signInPage(b, 'admin');
    await page.getByRole('menuitem', { name: '节假日安排' }).click();
    await page.getByTestId('calendar-year-2026').waitFor();
    await page.getByLabel('年度').fill('2029');
    await page.getByRole('button', { name: /打\s*开/ }).click();
    await page.getByText('2029 年的节假日安排尚未载入').waitFor();
    await page.getByRole('button', { name: '添加放假日期' }).click();
    const row = page
      .locator('.ant-table-tbody tr')
      .filter({ has: page.getByLabel('节日') })
      .first();
    await row.locator('.ant-picker').click();
    await page.keyboard.type('2029-01-01');
    await page.keyboard.press('Enter');
    await row.getByLabel('节日').fill('元旦');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await page.getByTestId('calendar-year-2029').waitFor();
    expect(await page.getByTestId('calendar-year-2029').innerText()).toContain('假日 1 天');

    // 2029-01-01 is a Monday, now a holiday: one working day after 2028-12-31 is 01-02.
    const calc = page.locator('.ant-card').filter({ hasText: '期限计算器' });
    await calc.locator('.ant-picker').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2028-12-31');
    await page.keyboard.press('Enter');
    await calc.getByLabel('天数').fill('1');
    await calc.getByRole('button', { name: /计\s*算/ }).click();
    await expect.poll(() => page.getByTestId('calculator-result').innerText(), { timeout: 10_000 }).toContain('2029-01-02');
    expect(await page.getByTestId('calculator-result').innerText()).not.toContain('临时');
    await page.context().close();
  });

  it('shows the calendar read-only to a dispatcher', async () => {
    const page = await signInPage(b, 'dispatcher');
    await page.goto(`${b.baseUrl}/admin/calendar`);
    await page.getByTestId('calendar-year-2026').waitFor();
    expect(await page.getByRole('button', { name: /保\s*存/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '导入文件' }).count()).toBe(0);
    await page.context().close();
  });
});

describe('the time-limit rules page, in Chromium', () => {
  it('shows the petition limits with their legal basis and opens the edit form for an administrator', async () => {
    const page = await signInPage(b, 'admin');
    await page.getByRole('menuitem', { name: '办理时限' }).click();
    const row = page.locator('tr').filter({ hasText: '第三十四条' });
    await row.waitFor();
    expect(await row.innerText()).toContain('60日');
    expect(await row.innerText()).toContain('≤ 30');
    await row.getByRole('button', { name: /编\s*辑/ }).click();
    await page.getByRole('dialog').getByLabel('天数').waitFor();
    expect(await page.getByRole('dialog').getByLabel('天数').inputValue()).toBe('60');
    await page.context().close();
  });
});
