import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../src/shared/calendar.js';
import { buildCaseBody } from '../../src/server/modules/cases/cases.factory.js';
import { signIn } from '../support/app.js';
import { signInPage, startBrowserTest, type BrowserContext } from './browser.js';

let b: BrowserContext;
beforeAll(async () => {
  b = await startBrowserTest();
});
afterAll(() => b?.close());

describe('deadlines in the browser', () => {
  it('shows an overdue case in red on the dispatcher’s overdue board and its clocks on the detail page', async () => {
    const cookie = await signIn(b.ctx.app, 'reception');
    const c = (
      await b.ctx.app.inject({
        method: 'POST',
        url: '/api/cases',
        headers: { cookie, 'idempotency-key': randomUUID() },
        payload: buildCaseBody({ kind: 'petition', category: 'other', summary: '逾期未受理的信访事项' }),
      })
    ).json();
    const today = shanghaiDate(new Date());
    await b.ctx.database.pool.query(`update case_clocks set started_on = $1, due_date = $2 where case_id = $3`, [addDays(today, -20), addDays(today, -5), c.id]);

    const page = await signInPage(b, 'dispatcher');
    await page.getByRole('menuitem', { name: '逾期督办' }).click();
    const row = page.locator('tr').filter({ has: page.getByRole('link', { name: c.code }) });
    await row.waitFor();
    expect(await row.getByTestId('deadline').getAttribute('data-level')).toBe('overdue');
    expect(await row.getByTestId('deadline').innerText()).toMatch(/受理 .*逾期 \d+ 个工作日/);

    await row.getByRole('link', { name: c.code }).click();
    const clocks = page.getByTestId('clocks');
    await clocks.waitFor();
    expect(await clocks.innerText()).toContain('信访工作条例');
    await page.context().close();
  });
});
