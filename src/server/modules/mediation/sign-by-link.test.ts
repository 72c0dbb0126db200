import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext } from '../../../../test/support/app.js';
import { AGREEMENT_BODY, caseWithFinalAgreement, signaturePng, textedLinks } from '../../../../test/support/online.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp({ env: { PUBLIC_BASE_URL: 'https://fq.example.gov.cn' } });
});
afterAll(() => ctx.close());

const tokenOf = (path: string) => path.split('/').pop()!;
const call = (method: 'GET' | 'POST', url: string, opts: { ticket?: string; payload?: object } = {}) =>
  ctx.app.inject({
    method,
    url,
    headers: opts.ticket ? { 'x-link-ticket': opts.ticket } : {},
    ...(opts.payload ? { payload: opts.payload } : {}),
  });

/** The party's phone side: the SMS code (read from the SMS gateway), the ticket, the text. */
async function openLink(token: string, phone: string) {
  const sent = await call('POST', `/api/public/online/links/${token}/code`);
  expect(sent.statusCode, sent.body).toBe(201);
  const verified = await call('POST', `/api/public/online/links/${token}/verify`, {
    payload: { verificationId: sent.json().verificationId, code: ctx.sms.lastCode(phone) },
  });
  expect(verified.statusCode, verified.body).toBe(200);
  const ticket = verified.json().ticket as string;
  const text = await call('GET', `/api/public/online/links/${token}/agreement`, { ticket });
  expect(text.statusCode, text.body).toBe(200);
  return { ticket, agreement: text.json() as { text: string; textSha256: string } };
}

describe('signing the agreement on the phone (signAgreementByLink)', () => {
  it('a party signs by link + SMS code; the DOCX carries the image and the 签署记录; a changed text voids it on the timeline', async () => {
    const c = await caseWithFinalAgreement(ctx);
    const sent = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${c.id}/agreement/sign-links`,
      headers: { cookie: c.cookies.mediator },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().map((p: { sent: boolean }) => p.sent)).toEqual([true, true]);
    const [path] = await textedLinks(ctx, c.id, c.phones[0]);
    expect(path).toMatch(/^\/online\/sign\/[\w-]{20,}$/);
    const token = tokenOf(path!);

    // Nothing of the case before the code: the link's info names only the case number and the masked phone.
    const info = await call('GET', `/api/public/online/links/${token}`);
    expect(info.json()).toMatchObject({
      purpose: 'sign',
      caseCode: c.code,
      maskedPhone: `${c.phones[0].slice(0, 3)}****${c.phones[0].slice(7)}`,
    });
    expect((await call('GET', `/api/public/online/links/${token}/agreement`)).json().code).toBe('ONLINE_TICKET_INVALID');

    const { ticket, agreement } = await openLink(token, c.phones[0]);
    expect(agreement.text).toContain(AGREEMENT_BODY.terms[0]!.text);
    expect(agreement.text).not.toMatch(/\d{17}[\dX]/); // no ID numbers shown to the phone

    // Refusals, each with its code: no consent, an empty image, a digest of other words.
    const body = { signaturePng: signaturePng(), consent: true, textSha256: agreement.textSha256 };
    const refuse = async (payload: object, code: string) => {
      const res = await call('POST', `/api/public/online/links/${token}/signature`, { ticket, payload });
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json().code).toBe(code);
    };
    await refuse({ ...body, consent: false }, 'SIGNATURE_CONSENT_REQUIRED');
    await refuse({ ...body, signaturePng: `data:image/png;base64,${Buffer.alloc(200, 1).toString('base64')}` }, 'SIGNATURE_IMAGE_INVALID');
    await refuse({ ...body, textSha256: '0'.repeat(64) }, 'AGREEMENT_TEXT_CHANGED');

    const signed = await call('POST', `/api/public/online/links/${token}/signature`, {
      ticket,
      payload: body,
      // The evidence keeps the browser that signed.
    });
    expect(signed.statusCode, signed.body).toBe(201);
    // One-time: the link is spent.
    expect((await call('GET', `/api/public/online/links/${token}`)).json().code).toBe('ONLINE_LINK_INVALID');

    const agreementNow = await ctx.app.inject({
      method: 'GET',
      url: `/api/cases/${c.id}/agreement`,
      headers: { cookie: c.cookies.mediator },
    });
    expect(agreementNow.json().parties.map((p: { signed: boolean }) => p.signed)).toEqual([true, false]);
    const [evidence] = (
      await ctx.database.pool.query(
        `select text_sha256, ip, user_agent, length(image_png) as bytes, voided_at from agreement_signatures where case_id = $1`,
        [c.id],
      )
    ).rows;
    expect(evidence).toMatchObject({ text_sha256: agreement.textSha256, ip: '127.0.0.1', user_agent: 'lightMyRequest', voided_at: null });

    const docx = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}/agreement.docx`, headers: { cookie: c.cookies.mediator } });
    const zip = await JSZip.loadAsync(docx.rawPayload);
    expect(Object.keys(zip.files).some((f) => /^word\/media\/.+\.png$/.test(f))).toBe(true);
    const docText = (await zip.file('word/document.xml')!.async('string')).replace(/<[^>]+>/g, '');
    expect(docText).toContain('签署记录');
    expect(docText).toContain(agreement.textSha256);
    const print = await ctx.app.inject({
      method: 'GET',
      url: `/api/cases/${c.id}/agreement.html`,
      headers: { cookie: c.cookies.mediator },
    });
    expect(print.body).toContain('data:image/png;base64,');
    expect(print.body).toContain('data-testid="signing-record"');

    // The second party's link still works until the text changes; then it is revoked and the signature void.
    const [second] = await textedLinks(ctx, c.id, c.phones[1]);
    const changed = await ctx.app.inject({
      method: 'PUT',
      url: `/api/cases/${c.id}/agreement`,
      headers: { cookie: c.cookies.mediator },
      payload: { ...AGREEMENT_BODY, responsibilities: `${AGREEMENT_BODY.responsibilities}申请人应配合提供考勤记录。` },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ status: 'draft', parties: [{ signed: false }, { signed: false }] });
    expect((await call('GET', `/api/public/online/links/${tokenOf(second!)}`)).json().code).toBe('ONLINE_LINK_INVALID');
    const voided = await ctx.database.pool.query(`select voided_at, void_reason from agreement_signatures where case_id = $1`, [c.id]);
    expect(voided.rows[0].voided_at).not.toBeNull();
    const timeline = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: c.cookies.mediator } });
    const actions = timeline.json().timeline.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['agreement_sign_links', 'agreement_signed_online', 'agreement_redrafted']));
    const redrafted = timeline.json().timeline.find((e: { action: string }) => e.action === 'agreement_redrafted');
    expect(redrafted.reason).toContain('作废');
    // The voided signature stays in the 签署记录, marked; no image is on the signature line any more.
    const after = await ctx.app.inject({
      method: 'GET',
      url: `/api/cases/${c.id}/agreement.html`,
      headers: { cookie: c.cookies.mediator },
    });
    expect(after.body).toContain('已作废');
    expect(after.body).not.toContain('<img class="signature"');
    // The same text again is no change: still refused as final.
    await ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/agreement/finalize`, headers: { cookie: c.cookies.mediator } });
  });

  it('a bad or expired link answers 4xx with a code, never 5xx', async () => {
    const c = await caseWithFinalAgreement(ctx);
    await ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/agreement/sign-links`, headers: { cookie: c.cookies.mediator } });
    const [path] = await textedLinks(ctx, c.id, c.phones[0]);
    const token = tokenOf(path!);
    const bogus = 'x'.repeat(32);
    for (const [method, url] of [
      ['GET', `/api/public/online/links/${bogus}`],
      ['POST', `/api/public/online/links/${bogus}/code`],
      ['GET', `/api/public/online/links/${bogus}/agreement`],
    ] as const) {
      const res = await call(method, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code).toBe('ONLINE_LINK_INVALID');
    }
    await ctx.database.pool.query(`update online_links set expires_at = now() - interval '1 second' where case_id = $1`, [c.id]);
    const expired = await call('GET', `/api/public/online/links/${token}`);
    expect(expired.statusCode).toBe(410);
    expect(expired.json().code).toBe('ONLINE_LINK_EXPIRED');
    const code = await call('POST', `/api/public/online/links/${token}/code`);
    expect(code.json().code).toBe('ONLINE_LINK_EXPIRED');
  });

  it('a code sent for another phone does not open the link', async () => {
    const c = await caseWithFinalAgreement(ctx);
    await ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/agreement/sign-links`, headers: { cookie: c.cookies.mediator } });
    const [first] = await textedLinks(ctx, c.id, c.phones[0]);
    const [second] = await textedLinks(ctx, c.id, c.phones[1]);
    const sent = await call('POST', `/api/public/online/links/${tokenOf(second!)}/code`);
    const res = await call('POST', `/api/public/online/links/${tokenOf(first!)}/verify`, {
      payload: { verificationId: sent.json().verificationId, code: ctx.sms.lastCode(c.phones[1]) },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VERIFICATION_CODE_INVALID');
  });
});
