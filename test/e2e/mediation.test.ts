import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseOk, signIn } from '../support/app.js';
import { uniqueIdNumber, uniquePhone } from '../support/identities.js';
import { buildCaseBody } from '../../src/server/modules/cases/cases.factory.js';
import { addDays, formatShanghaiDateTime, shanghaiDate } from '../../src/shared/calendar.js';

/** The agreement term's due date: two weeks ahead of whatever day the journey runs. */
const termDue = addDays(shanghaiDate(new Date()), 14);
import { confirmDialog, pick, signInPage, startBrowserTest, type BrowserContext } from './browser.js';

let b: BrowserContext;
beforeAll(async () => {
  b = await startBrowserTest();
});
afterAll(() => b?.close());

describe('a wage dispute mediated to a confirmed agreement and a satisfied follow-up, in Chromium', () => {
  it('session, agreement, DOCX, signatures, court confirmation, conclusion, 满意', { timeout: 90_000 }, async () => {
    // The case reaches the mediator through the usual steps (covered by the case journey): set up through the API.
    const dispatcher = await signIn(b.ctx.app, 'dispatcher');
    const created = await b.ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: await signIn(b.ctx.app, 'reception'), 'idempotency-key': randomUUID() },
      payload: buildCaseBody({
        summary: `工地欠薪调解 ${randomUUID().slice(0, 6)}`,
        parties: [
          {
            role: 'applicant',
            type: 'person',
            name: '冯建设',
            idNumber: uniqueIdNumber(),
            phone: uniquePhone(),
            address: '文苑街道东方社区2号楼',
          },
          { role: 'respondent', type: 'organization', name: `焦作${randomUUID().slice(0, 4)}建筑劳务有限公司` },
        ],
      }),
    });
    const c = created.json();
    const sfs = (await b.ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
    await actOnCaseOk(b.ctx.app, { cookie: dispatcher, readerCookie: dispatcher }, c.id, { action: 'accept' });
    await actOnCaseOk(b.ctx.app, { cookie: dispatcher, readerCookie: dispatcher }, c.id, { action: 'dispatch', leadUnitId: sfs });
    await actOnCaseOk(b.ctx.app, { cookie: await signIn(b.ctx.app, 'mediator'), readerCookie: dispatcher }, c.id, { action: 'start' });

    // The mediator's browser keeps the centre's time (the session time is typed as a Shanghai clock reads it).
    const page = await signInPage(b, 'mediator', { timezoneId: 'Asia/Shanghai' });
    await page.goto(`${b.baseUrl}/cases/${c.id}`);

    // The session: scheduled, then held with its record.
    const sessions = page.getByTestId('sessions-card');
    await sessions.getByRole('button', { name: '安排调解' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('调解员').fill('赵敏');
    // The session took place an hour ago (it can be recorded only once it has been held).
    await dialog.getByLabel('时间').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(formatShanghaiDateTime(new Date(Date.now() - 3_600_000)));
    await page.keyboard.press('Enter');
    await confirmDialog(page);
    await sessions.getByRole('button', { name: '记录笔录' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('权利告知及当事人选择').fill('已告知调解不收费、可选择调解员、可不公开调解；双方同意由赵敏调解。');
    await dialog.getByLabel('冯建设 陈述').fill('干了三个月，一万二的工资一直没给。');
    await dialog.getByLabel('调解笔录').fill('经调解，公司同意于12月15日前一次性支付。');
    await dialog.getByRole('radio', { name: '达成协议' }).check();
    await confirmDialog(page);
    await sessions.getByText('已召开').waitFor();

    // The agreement: drafted, finalised, downloaded.
    const card = page.getByTestId('agreement-card');
    await card.getByRole('button', { name: '起草调解协议' }).click();
    dialog = page.getByRole('dialog');
    await pick(page, dialog.getByTestId('subject-matter'), '劳动报酬', { search: true });
    await dialog.getByLabel('争议事项').fill('公司应否支付及何时支付拖欠工资一万二千元。');
    await dialog.getByLabel('各方责任').fill('公司未按时支付劳动报酬，应承担支付责任。');
    await dialog.getByLabel('协议内容').fill('公司向冯建设支付工资12000元');
    await dialog.getByLabel('履行方式').fill('银行转账');
    await dialog.getByLabel('履行期限').click();
    await page.keyboard.type(termDue);
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await card.getByRole('button', { name: /定\s*稿/ }).click();
    await card.locator('[data-testid="agreement-status"][data-status="final"]').waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: '下载 DOCX' }).click()]);
    const docx = await JSZip.loadAsync(await readFile((await download.path())!));
    const text = (await docx.file('word/document.xml')!.async('string')).replace(/<[^>]+>/g, '');
    for (const item of ['人民调解协议书', '冯建设', '公司向冯建设支付工资12000元', '银行转账', termDue, '公司未按时支付劳动报酬'])
      expect(text).toContain(item);

    // Signatures, fingerprint and seal: in effect, with the court's window.
    // Each click waits for its mark to show before the next (the list re-renders after every signature).
    const marks = () => card.getByText(/^已(签署|盖章)$/).count();
    await card.getByRole('button', { name: '按指印' }).first().click();
    await expect.poll(marks).toBe(1);
    await card
      .getByRole('button', { name: /签\s*名/ })
      .first()
      .click();
    await expect.poll(marks).toBe(2);
    await card
      .getByRole('button', { name: /签\s*名/ })
      .first()
      .click();
    await expect.poll(marks).toBe(3);
    await card.getByRole('button', { name: /盖\s*章/ }).click();
    await card.locator('[data-testid="agreement-status"][data-status="effective"]').waitFor();
    expect(await card.getByTestId('judicial-confirmation').innerText()).toMatch(/司法确认申请期限：\d{4}-\d{2}-\d{2}/);

    // The court's confirmation.
    await card.getByRole('button', { name: '记录司法确认' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: '裁定确认有效' }).check();
    await confirmDialog(page);
    await expect.poll(() => card.getByTestId('judicial-confirmation').innerText()).toContain('裁定确认有效');

    // The mediator concludes; reception's follow-up closes it as 满意.
    await page
      .getByTestId('case-actions')
      .getByRole('button', { name: /办\s*结/ })
      .click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: '调解成功（达成协议）' }).check();
    await dialog.getByLabel('情况说明').fill('达成书面调解协议并经人民法院司法确认。');
    await confirmDialog(page);
    await expect.poll(() => page.locator('[data-status="concluded"]').count()).toBeGreaterThan(0);
    await page.context().close();

    const reception = await signInPage(b, 'reception');
    await reception.goto(`${b.baseUrl}/cases/${c.id}`);
    await reception
      .getByTestId('case-actions')
      .getByRole('button', { name: /回\s*访/ })
      .click();
    await reception.getByRole('dialog').getByRole('radio', { name: '满意', exact: true }).check();
    await confirmDialog(reception);
    await expect.poll(() => reception.locator('[data-status="followed_up"]').count()).toBeGreaterThan(0);
    const timeline = await reception.getByTestId('timeline').innerText();
    for (const step of ['安排调解', '调解会', '调解协议定稿', '调解协议生效', '司法确认', '办结', '回访']) expect(timeline).toContain(step);
    await reception.context().close();
  });
});
