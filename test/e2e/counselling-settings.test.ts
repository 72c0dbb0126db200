import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/shared/calendar.js';
import { signIn } from '../support/app.js';
import { signInPage, startBrowserTest, type BrowserContext } from './browser.js';

/**
 * What a counselling supervisor sets up, in a real browser, on a database of its own (today's roster decides who hears
 * a crisis alert, so no other file may see it): the duty roster, and a new scale typed in as data.
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
    const { rows } = await b.ctx.database.pool.query(
      `select u.display_name from counselling_duty d join users u on u.id = d.counsellor_id where d.day = $1`,
      [today],
    );
    expect(rows.map((r) => r.display_name)).toEqual(['马丽']);

    // A counsellor who is not a supervisor sees the roster and cannot change it.
    const counsellor = await signInPage(b, 'counsellor');
    await counsellor.goto(`${b.baseUrl}/counselling`);
    await counsellor.getByRole('tab', { name: '值班安排' }).click();
    const theirRow = counsellor.getByTestId('counselling-duty').locator('tr', { hasText: today });
    await expect.poll(() => theirRow.innerText(), { timeout: 10_000 }).toContain('马丽');
    expect(await theirRow.locator('.ant-select').count()).toBe(0);
  });

  it('adds a scale typed line by line, says plainly what is wrong, and offers it for screening', { timeout: 90_000 }, async () => {
    const page = await signInPage(b, 'supervisor');
    await page.goto(`${b.baseUrl}/counselling`);
    await page.getByRole('tab', { name: '量表库' }).click();
    const table = page.getByTestId('counselling-scales');
    await expect.poll(() => table.innerText(), { timeout: 10_000 }).toContain('PHQ-9');
    await page.getByTestId('add-scale').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('代码').fill('SDS-3');
    await dialog.getByLabel('名称').fill('睡眠与食欲简评');
    await dialog.getByLabel('指导语').fill('请按最近一周的情况作答');
    await dialog.getByLabel('题目（每行一题）').fill('睡不好\n吃不下\n提不起劲');
    await dialog.getByLabel(/^选项/).fill('0 没有\n1 有时\n2 经常');
    // 0–2 then 4–6: the total 3 has no band.
    await dialog.getByLabel(/^分级/).fill('0-2 正常\n4-6 需关注');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await dialog.getByText('分级区间应从 3 开始且连续不重叠').waitFor();
    await dialog.getByLabel(/^分级/).fill('0-2 正常\n3-6 需关注');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => table.innerText(), { timeout: 10_000 }).toContain('睡眠与食欲简评');
    const counsellor = await signIn(b.ctx.app, 'counsellor');
    const scales = (await b.ctx.app.inject({ method: 'GET', url: '/api/counselling/scales', headers: { cookie: counsellor } })).json();
    expect(scales.find((s: { code: string }) => s.code === 'SDS-3')).toMatchObject({
      items: [
        { no: 1, text: '睡不好' },
        { no: 2, text: '吃不下' },
        { no: 3, text: '提不起劲' },
      ],
      bands: [
        { min: 0, max: 2, label: '正常' },
        { min: 3, max: 6, label: '需关注' },
      ],
    });

    // A counsellor who is not a supervisor sees the scales and no button to add one.
    const other = await signInPage(b, 'counsellor');
    await other.goto(`${b.baseUrl}/counselling`);
    await other.getByRole('tab', { name: '量表库' }).click();
    await expect.poll(() => other.getByTestId('counselling-scales').innerText(), { timeout: 10_000 }).toContain('SDS-3');
    expect(await other.getByTestId('add-scale').count()).toBe(0);
  });
});
