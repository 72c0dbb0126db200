import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaseBody } from '../../src/server/modules/cases/cases.factory.js';
import { actOnCaseOk, signIn } from '../support/app.js';
import { newPage, pick, signInPage, startBrowserTest, type BrowserContext } from './browser.js';

/**
 * The psychological service zone in a real browser: a resident completes a PHQ-9 on the service room's tablet, the
 * counsellor sees the crisis alert, records the risk assessment and books a session; the case's mediator sees that a
 * service exists and nothing of what was said.
 */
let b: BrowserContext;
beforeAll(async () => {
  b = await startBrowserTest();
});
afterAll(() => b?.close());

describe('a resident in distress, from the tablet to a booked session', () => {
  it('kiosk PHQ-9 → crisis alert → risk assessment → appointment; the mediator sees no content', { timeout: 90_000 }, async () => {
    const tag = randomUUID().slice(0, 6);
    const reason = `当事人说活着没意思${tag}`;
    const [reception, dispatcher, mediator, counsellor] = [
      await signIn(b.ctx.app, 'reception'),
      await signIn(b.ctx.app, 'dispatcher'),
      await signIn(b.ctx.app, 'mediator'),
      await signIn(b.ctx.app, 'counsellor'),
    ];
    const created = await b.ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: reception, 'idempotency-key': randomUUID() },
      payload: buildCaseBody({ category: 'marriage_family', summary: `离婚后抚养费纠纷${tag}` }),
    });
    const caseId = created.json().id as string;
    const applicant = created.json().parties.find((p: { role: string }) => p.role === 'applicant');
    const sfs = (await b.ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
    await actOnCaseOk(b.ctx.app, { cookie: reception, readerCookie: dispatcher }, caseId, { action: 'accept' });
    await actOnCaseOk(b.ctx.app, { cookie: dispatcher, readerCookie: dispatcher }, caseId, { action: 'dispatch', leadUnitId: sfs });
    const referral = await b.ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/counselling`,
      headers: { cookie: mediator },
      payload: { personId: applicant.personId, reason },
    });
    expect(referral.statusCode, referral.body).toBe(201);
    const serviceId = referral.json().id as string;
    const link = await b.ctx.app.inject({
      method: 'POST',
      url: `/api/counselling/services/${serviceId}/kiosk-links`,
      headers: { cookie: counsellor },
      payload: { scaleCode: 'PHQ-9' },
    });
    const kioskPath = link.json().path as string;

    // The tablet: nine questions in plain Chinese; "好几天" on item 9 only.
    const tablet = await newPage(b, { who: 'tablet', contextOptions: { viewport: { width: 1024, height: 768 }, hasTouch: true } });
    await tablet.goto(`${b.baseUrl}${kioskPath}`);
    await tablet.getByText('有不如死掉或用某种方式伤害自己的念头').waitFor();
    for (let i = 1; i <= 8; i++) await tablet.getByTestId(`kiosk-item-${i}`).getByText('完全不会', { exact: true }).click();
    await expect.poll(() => tablet.getByTestId('kiosk-submit').innerText(), { timeout: 10_000 }).toContain('还有 1 题');
    await tablet.getByTestId('kiosk-item-9').getByText('好几天', { exact: true }).click();
    await tablet.getByTestId('kiosk-submit').click();
    await tablet.getByTestId('kiosk-help').waitFor();
    expect(await tablet.getByTestId('kiosk-help').innerText()).toContain('12356');
    expect(await tablet.content()).not.toContain(reason);

    // The counsellor's workspace shows the alert; the assessment closes it.
    const page = await signInPage(b, 'counsellor');
    await page.goto(`${b.baseUrl}/counselling`);
    const alerts = page.getByTestId('crisis-alerts');
    await expect.poll(() => alerts.innerText(), { timeout: 20_000 }).toContain('PHQ-9');
    const row = alerts.locator('.ant-list-item', { hasText: applicant.name });
    await row.getByTestId('assess-alert').click();
    const dialog = page.getByRole('dialog');
    await pick(page, dialog.getByLabel('风险等级'), '中');
    await dialog.getByLabel('评估情况与处置措施').fill('面谈评估：有消极念头，无具体计划，已联系家属陪同，三日内复谈。');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await expect.poll(() => alerts.locator('.ant-list-item', { hasText: applicant.name }).count(), { timeout: 10_000 }).toBe(0);

    // Book a session: counsellor, room, tomorrow 09:00–10:00.
    await page.getByTestId('counselling-services').getByText(applicant.name).first().click();
    const drawer = page.getByTestId('service-drawer');
    await drawer.getByText(reason).waitFor();
    await pick(page, drawer.getByLabel('咨询师'), '刘芳');
    await pick(page, drawer.getByLabel('咨询室'), '心理咨询室一');
    const day = new Date(Date.now() + 86_400_000 * (2 + Math.floor(Math.random() * 20))).toISOString().slice(0, 10);
    const start = drawer.getByPlaceholder('开始日期');
    await start.click();
    await start.fill(`${day} 09:00`);
    await page
      .locator('.ant-picker-dropdown:visible')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    const end = drawer.getByPlaceholder('结束日期');
    await end.fill(`${day} 10:00`);
    await page
      .locator('.ant-picker-dropdown:visible')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await drawer.getByTestId('book-appointment').click();
    await expect.poll(() => drawer.locator('.ant-table-tbody').first().innerText(), { timeout: 10_000 }).toContain(`${day} 09:00–10:00`);
    const booked = await b.ctx.database.pool.query(`select status from counselling_appointments where service_id = $1`, [serviceId]);
    expect(booked.rows.map((r) => r.status)).toEqual(['booked']);

    // The case's mediator sees that a service exists, and nothing of it.
    const mediatorPage = await signInPage(b, 'mediator');
    await mediatorPage.goto(`${b.baseUrl}/cases/${caseId}`);
    const card = mediatorPage.getByTestId('case-counselling');
    await expect.poll(() => card.innerText(), { timeout: 10_000 }).toContain('服务中');
    expect(await mediatorPage.content()).not.toContain(reason);
    expect(await mediatorPage.content()).not.toContain('消极念头');
  });
});
