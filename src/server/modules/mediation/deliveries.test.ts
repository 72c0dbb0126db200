import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { caseInMediationWithPhones, caseWithFinalAgreement, textedLinks } from '../../../../test/support/online.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp({ env: { PUBLIC_BASE_URL: 'https://fq.example.gov.cn' } });
});
afterAll(() => ctx.close());

/** The party's phone: code, ticket, document. */
async function open(path: string, phone: string) {
  const token = path.split('/').pop()!;
  const code = await ctx.app.inject({ method: 'POST', url: `/api/public/online/links/${token}/code` });
  expect(code.statusCode, code.body).toBe(201);
  const verified = await ctx.app.inject({
    method: 'POST',
    url: `/api/public/online/links/${token}/verify`,
    payload: { verificationId: code.json().verificationId, code: ctx.sms.lastCode(phone) },
  });
  const read = () =>
    ctx.app.inject({
      method: 'GET',
      url: `/api/public/online/links/${token}/document`,
      headers: { 'x-link-ticket': verified.json().ticket },
    });
  return Object.assign(await read(), { read });
}

describe('documents delivered online (送达)', () => {
  it('the agreement by link: the first opening is recorded on the case, once', async () => {
    const c = await caseWithFinalAgreement(ctx);
    const sent = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${c.id}/deliveries`,
      headers: { cookie: c.cookies.mediator },
      payload: { kind: 'agreement' },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const [path] = await textedLinks(ctx, c.id, c.phones[0]);
    expect(path).toMatch(/^\/online\/deliver\//);
    // Without the code nothing of the document is shown.
    const bare = await ctx.app.inject({ method: 'GET', url: `/api/public/online/links/${path!.split('/').pop()}/document` });
    expect(bare.json().code).toBe('ONLINE_TICKET_INVALID');

    const doc = await open(path!, c.phones[0]);
    expect(doc.statusCode, doc.body).toBe(200);
    expect(doc.json()).toMatchObject({ kind: 'agreement', title: '人民调解协议书', code: c.code });
    expect(doc.json().paragraphs.join('\n')).toContain('被申请人向申请人支付拖欠工资12000元');
    // Opening again (within the code's half hour; a new code waits a minute) changes nothing.
    const again = await doc.read();
    expect(again.json().firstOpenedAt).toBe(doc.json().firstOpenedAt);

    const list = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}/deliveries`, headers: { cookie: c.cookies.mediator } });
    const opened = list.json().filter((d: { firstOpenedAt: string | null }) => d.firstOpenedAt);
    expect(opened).toEqual([expect.objectContaining({ partyName: '冯建设', kind: 'agreement', firstOpenedAt: doc.json().firstOpenedAt })]);
    const timeline = (await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: c.cookies.mediator } })).json()
      .timeline;
    const delivered = timeline.filter((e: { action: string }) => e.action === 'document_delivered');
    expect(delivered).toHaveLength(1);
    expect(delivered[0].reason).toMatch(/冯建设于.+首次打开《人民调解协议书》/);
  });

  it('the receipt by link gives the page the case’s tracking code; a draft agreement cannot be delivered', async () => {
    const c = await caseInMediationWithPhones(ctx);
    const draft = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${c.id}/deliveries`,
      headers: { cookie: c.cookies.mediator },
      payload: { kind: 'agreement' },
    });
    expect(draft.json().code).toBe('AGREEMENT_NOT_FOUND');
    await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${c.id}/deliveries`,
      headers: { cookie: c.cookies.mediator },
      payload: { kind: 'receipt' },
    });
    const [path] = await textedLinks(ctx, c.id, c.phones[1]);
    const doc = await open(path!, c.phones[1]);
    expect(doc.json()).toMatchObject({ kind: 'receipt', title: '受理回执' });
    expect(doc.json().trackingToken).toMatch(/^[A-Z0-9]+$/);
    // Another street's mediator may not deliver this case's documents.
    const other = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${c.id}/deliveries`,
      headers: { cookie: await signIn(ctx.app, 'mediator2') },
      payload: { kind: 'receipt' },
    });
    expect(other.statusCode).toBe(404);
  });
});
