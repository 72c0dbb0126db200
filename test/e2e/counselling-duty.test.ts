import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/shared/calendar.js';
import { signInPage, startBrowserTest, type BrowserContext } from './browser.js';

/**
 * The duty roster in a real browser, on a database of its own (today's roster decides who hears a crisis alert, so no
 * other file may see it): the supervisor puts a counsellor on duty today and the workspace says who is on duty.
 */
let b: BrowserContext;
beforeAll(async () => {
  b = await startBrowserTest({ isolated: true });
});
afterAll(() => b?.close());

describe('the counsellors’ duty roster', () => {
  it('is set by the supervisor for today and shown above the crisis alerts; a counsellor only reads it', { timeout: 90_000 }, async () => {
    const today = shanghaiDate(new Date());
    const page = await signInPage(b, 'supervisor');
    await page.goto(`${b.baseUrl}/counselling`);
    const alerts = page.getByTestId('crisis-alerts');
    await expect.poll(() => alerts.innerText(), { timeout: 10_000 }).toContain('无人值班');
    await page.getByRole('tab', { name: '值班安排' }).click();
    const roster = page.getByTestId('counselling-duty');
    const todayRow = roster.locator('tr', { hasText: today });
    await todayRow.getByText('今天').waitFor();
    // A multiple choice stays open after a pick: choose, then close it.
    await todayRow.getByLabel(`${today} 值班咨询师`).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="马丽"]').click();
    await page.keyboard.press('Escape');
    await expect.poll(() => todayRow.locator('.ant-select-selection-item').allInnerTexts(), { timeout: 10_000 }).toEqual(['马丽']);
    await todayRow.getByRole('button', { name: /保\s*存/ }).click();
    await expect.poll(() => alerts.innerText(), { timeout: 10_000 }).toContain('今日值班：马丽');
    const { rows } = await b.ctx.database.pool.query(`select u.display_name from counselling_duty d join users u on u.id = d.counsellor_id where d.day = $1`, [today]);
    expect(rows.map((r) => r.display_name)).toEqual(['马丽']);

    // A counsellor who is not a supervisor sees the roster and cannot change it.
    const counsellor = await signInPage(b, 'counsellor');
    await counsellor.goto(`${b.baseUrl}/counselling`);
    await counsellor.getByRole('tab', { name: '值班安排' }).click();
    const theirRow = counsellor.getByTestId('counselling-duty').locator('tr', { hasText: today });
    await expect.poll(() => theirRow.innerText(), { timeout: 10_000 }).toContain('马丽');
    expect(await theirRow.locator('.ant-select').count()).toBe(0);
  });
});
