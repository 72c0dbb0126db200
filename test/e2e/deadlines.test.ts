import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../src/shared/calendar.js';
import { buildCaseBody } from '../../src/server/modules/cases/cases.factory.js';
import { signIn } from '../support/app.js';
import { confirmDialog, signInPage, startBrowserTest, type BrowserContext } from './browser.js';

let b: BrowserContext;
beforeAll(async () => {
  b = await startBrowserTest();
});
afterAll(() => b?.close());

/** A dispute handled by 赵敏 at 文苑街道司法所 whose handling deadline passed five days ago. */
async function overdueCase(summary: string) {
  const app = b.ctx.app;
  const cookies = Object.fromEntries(
    await Promise.all(['reception', 'dispatcher', 'mediator'].map(async (u) => [u, await signIn(app, u)])),
  );
  const act = async (who: string, id: string, version: number, body: Record<string, unknown>) =>
    (
      await app.inject({
        method: 'POST',
        url: `/api/cases/${id}/actions`,
        headers: { cookie: cookies[who] },
        payload: { expectedVersion: version, ...body },
      })
    ).json();
  const units = (await app.inject({ method: 'GET', url: '/api/units', headers: { cookie: cookies.dispatcher } })).json().items;
  const sfs = units.find((u: { code: string }) => u.code === '410871061-SFS').id;
  const mediator = (await app.inject({ method: 'GET', url: `/api/units/${sfs}/staff`, headers: { cookie: cookies.dispatcher } }))
    .json()
    .items.find((s: { displayName: string }) => s.displayName === '赵敏').id;
  const c = (
    await app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception, 'idempotency-key': randomUUID() },
      payload: buildCaseBody({ summary }),
    })
  ).json();
  await act('reception', c.id, 1, { action: 'accept' });
  await act('dispatcher', c.id, 2, { action: 'dispatch', leadUnitId: sfs, handlerId: mediator });
  await act('mediator', c.id, 3, { action: 'start' });
  const today = shanghaiDate(new Date());
  await b.ctx.database.pool.query(`update case_clocks set started_on = $1, due_date = $2 where case_id = $3 and stage = 'handling'`, [
    addDays(today, -40),
    addDays(today, -5),
    c.id,
  ]);
  return c as { id: string; code: string };
}

describe('supervising deadlines in the browser', () => {
  it('the dispatcher sees a red case on the overdue board and urges it; the handler answers', { timeout: 60_000 }, async () => {
    const c = await overdueCase(`逾期督办演示 ${randomUUID().slice(0, 6)}`);

    const dispatcher = await signInPage(b, 'dispatcher');
    await dispatcher.getByRole('menuitem', { name: '逾期督办' }).click();
    const row = dispatcher.locator('tr').filter({ has: dispatcher.getByRole('link', { name: c.code }) });
    await row.waitFor();
    expect(await row.getByTestId('deadline').getAttribute('data-level')).toBe('overdue');
    expect(await row.getByTestId('deadline').innerText()).toMatch(/办理 .*逾期 \d+ 个工作日/);
    await row.getByRole('link', { name: c.code }).click();
    expect(await dispatcher.getByTestId('clocks').innerText()).toContain('人民调解工作若干规定');
    await dispatcher
      .getByTestId('case-actions')
      .getByRole('button', { name: /督\s*办/ })
      .click();
    const dialog = dispatcher.getByRole('dialog');
    await dialog.locator('.ant-picker').click();
    await dispatcher.keyboard.type(addDays(shanghaiDate(new Date()), 2));
    await dispatcher.keyboard.press('Enter');
    await dialog.getByLabel('督办意见').fill('请于两日内报告调解进展');
    await confirmDialog(dispatcher);
    await dispatcher.getByTestId('supervision').getByText('请于两日内报告调解进展').waitFor();
    await dispatcher.context().close();

    const mediator = await signInPage(b, 'mediator');
    await mediator.getByRole('menuitem', { name: '督办事项' }).click();
    const urgeRow = mediator.locator('tr').filter({ hasText: '请于两日内报告调解进展' });
    await urgeRow.waitFor();
    await urgeRow.getByRole('link', { name: c.code }).click();
    await mediator.getByTestId('case-actions').getByRole('button', { name: '回复督办' }).click();
    await mediator.getByRole('dialog').getByLabel('回复内容').fill('已约双方本周五到所调解');
    await confirmDialog(mediator);
    await mediator.getByTestId('supervision').getByText('已约双方本周五到所调解').first().waitFor();
    expect(await mediator.getByTestId('supervision').innerText()).toContain('已回复');
    const timeline = await mediator.getByTestId('timeline').innerText();
    expect(timeline).toContain('督办');
    expect(timeline).toContain('回复督办');
    await mediator.context().close();
  });
});
