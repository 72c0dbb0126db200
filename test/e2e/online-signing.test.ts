import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGREEMENT_BODY, caseWithFinalAgreement, textedLinks } from '../support/online.js';
import { newPage, SCREENSHOTS, startBrowserTest, type BrowserContext } from './browser.js';

let b: BrowserContext;
beforeAll(async () => {
  b = await startBrowserTest({ env: { PUBLIC_BASE_URL: 'https://fq.example.gov.cn' } });
});
afterAll(() => b?.close());

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

describe('signing the agreement on a phone, in Chromium at 390×844', () => {
  it(
    'the party signs by link and SMS code; the DOCX carries the drawn image; changing the text voids it on the timeline',
    { timeout: 90_000 },
    async () => {
      const c = await caseWithFinalAgreement(b.ctx);
      const sent = await b.ctx.app.inject({
        method: 'POST',
        url: `/api/cases/${c.id}/agreement/sign-links`,
        headers: { cookie: c.cookies.mediator },
      });
      expect(sent.statusCode, sent.body).toBe(200);
      const [path] = await textedLinks(b.ctx, c.id, c.phones[0]);

      const phone = await newPage(b, { who: 'party', contextOptions: PHONE });
      await phone.goto(`${b.baseUrl}${path}`);
      await phone.getByRole('heading', { level: 1, name: '调解协议签署' }).waitFor();
      await phone.getByText(c.code).waitFor();
      await phone.getByRole('button', { name: '获取验证码' }).click();
      await phone.getByLabel('短信验证码').waitFor();
      await phone.getByLabel('短信验证码').fill(b.ctx.sms.lastCode(c.phones[0]));
      await phone.getByRole('button', { name: '验证', exact: true }).click();
      await expect.poll(() => phone.getByTestId('agreement-text').textContent()).toContain(AGREEMENT_BODY.terms[0]!.text);

      // A finger's stroke across the box.
      await phone.getByTestId('signature-canvas').scrollIntoViewIfNeeded();
      const box = (await phone.getByTestId('signature-canvas').boundingBox())!;
      await phone.mouse.move(box.x + 30, box.y + 120);
      await phone.mouse.down();
      for (let i = 1; i <= 12; i++) await phone.mouse.move(box.x + 30 + i * 22, box.y + 120 + (i % 2 ? -40 : 30));
      await phone.mouse.up();
      // Without consent it is refused on the page.
      await phone.getByTestId('sign').click();
      await phone.getByText('请先勾选同意').waitFor();
      await phone.getByTestId('consent').check();
      await phone.getByTestId('sign').click();
      await phone.getByTestId('signed').waitFor();
      await phone.screenshot({ path: `${SCREENSHOTS}online-signed-390.png`, fullPage: true });
      // The page fits the phone: nothing wider than the viewport.
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

      const docx = await b.ctx.app.inject({
        method: 'GET',
        url: `/api/cases/${c.id}/agreement.docx`,
        headers: { cookie: c.cookies.mediator },
      });
      const zip = await JSZip.loadAsync(docx.rawPayload);
      const images = Object.keys(zip.files).filter((f) => /^word\/media\/.+\.png$/.test(f));
      expect(images.length).toBeGreaterThan(0);
      const image = await zip.file(images[0]!)!.async('nodebuffer');
      expect(image.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(image.length).toBeGreaterThan(500); // the strokes, not an empty canvas

      // The mediator changes the text: a new draft, the phone signature void, on the timeline.
      const changed = await b.ctx.app.inject({
        method: 'PUT',
        url: `/api/cases/${c.id}/agreement`,
        headers: { cookie: c.cookies.mediator },
        payload: { ...AGREEMENT_BODY, facts: `${AGREEMENT_BODY.facts}双方均认可考勤记录。` },
      });
      expect(changed.json().status).toBe('draft');
      const detail = (await b.ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: c.cookies.mediator } })).json();
      const steps = detail.timeline.map((e: { action: string }) => e.action);
      expect(steps.indexOf('agreement_redrafted')).toBeGreaterThan(steps.indexOf('agreement_signed_online'));
      const after = await b.ctx.app.inject({
        method: 'GET',
        url: `/api/cases/${c.id}/agreement.docx`,
        headers: { cookie: c.cookies.mediator },
      });
      const afterZip = await JSZip.loadAsync(after.rawPayload);
      expect((await afterZip.file('word/document.xml')!.async('string')).replace(/<[^>]+>/g, '')).toContain('已作废');

      // The spent link now says so, on the phone.
      await phone.goto(`${b.baseUrl}${path}`);
      await phone.getByTestId('link-invalid').waitFor();
    },
  );

  it('a document delivered by link opens on the phone and the case records when', { timeout: 60_000 }, async () => {
    const c = await caseWithFinalAgreement(b.ctx);
    const sent = await b.ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${c.id}/deliveries`,
      headers: { cookie: c.cookies.mediator },
      payload: { kind: 'receipt' },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const [path] = await textedLinks(b.ctx, c.id, c.phones[1]);
    const phone = await newPage(b, { who: 'party', contextOptions: PHONE });
    await phone.goto(`${b.baseUrl}${path}`);
    await phone.getByRole('heading', { level: 1, name: '文书送达' }).waitFor();
    await phone.getByRole('button', { name: '获取验证码' }).click();
    await phone.getByLabel('短信验证码').waitFor();
    await phone.getByLabel('短信验证码').fill(b.ctx.sms.lastCode(c.phones[1]));
    await phone.getByRole('button', { name: '查看文书' }).click();
    await phone.getByTestId('delivered-document').getByText(c.code).first().waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const list = await b.ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}/deliveries`, headers: { cookie: c.cookies.mediator } });
    expect(list.json().find((d: { partyName: string }) => d.partyName === '马德胜').firstOpenedAt).not.toBeNull();
  });
});
