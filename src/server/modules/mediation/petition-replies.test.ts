import { randomUUID } from 'node:crypto';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { uniqueIdNumber } from '../../../../test/support/identities.js';
import { shanghaiDate } from '../../../shared/calendar.js';
import { buildCaseBody } from '../cases/cases.factory.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  ctx = await startTestApp();
  for (const u of ['reception', 'dispatcher', 'mediator']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

const reply = {
  stage: 'reply',
  request: '要求补发征地补偿款2万元。',
  factsAndReasons: '经核查，信访人所在村民小组的征地补偿款已于去年3月按方案足额发放至本人账户。',
  decision: 'not_support',
  legalBasis: '《中华人民共和国土地管理法》第四十八条；《信访工作条例》第三十二条。',
};

describe('信访处理意见书', () => {
  it('is refused naming a missing item, issued with the 30-day review window, downloadable, and after 复核 the matter is flagged at intake', async () => {
    const petitioner = { role: 'applicant', type: 'person', name: '高老汉', idNumber: uniqueIdNumber() } as const;
    const c = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/cases',
        headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
        payload: buildCaseBody({ kind: 'petition', category: 'land_acquisition', parties: [petitioner] }),
      })
    ).json();
    const sfs = (await ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
    await actOnCaseOk(ctx.app, { cookie: cookies.dispatcher!, readerCookie: cookies.dispatcher! }, c.id, { action: 'accept' });
    await actOnCaseOk(ctx.app, { cookie: cookies.dispatcher!, readerCookie: cookies.dispatcher! }, c.id, {
      action: 'dispatch',
      leadUnitId: sfs,
    });
    const issue = (who: string, body: object) =>
      ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/petition-replies`, headers: { cookie: cookies[who]! }, payload: body });

    for (const [field, code] of [
      ['request', 'PETITION_REPLY_MISSING_REQUEST'],
      ['factsAndReasons', 'PETITION_REPLY_MISSING_FACTS'],
      ['decision', 'PETITION_REPLY_MISSING_DECISION'],
      ['legalBasis', 'PETITION_REPLY_MISSING_LEGAL_BASIS'],
    ] as const) {
      const res = await issue('mediator', { ...reply, [field]: field === 'decision' ? null : '' });
      expect(res.json().code).toBe(code);
    }
    expect((await issue('dispatcher', { ...reply, stage: 'review' })).json().code).toBe('PETITION_REPLY_STAGE_ORDER');
    const issued = await issue('mediator', reply);
    expect(issued.statusCode, issued.body).toBe(201);
    const today = shanghaiDate(new Date());
    const calendar = await ctx.app.deps.calendar.get();
    expect(issued.json()).toMatchObject({ decision: 'not_support', issuedOn: today, nextStepBy: calendar.addCalendarDays(today, 30).date });

    const docx = await ctx.app.inject({
      method: 'GET',
      url: `/api/cases/${c.id}/petition-replies/reply/docx`,
      headers: { cookie: cookies.mediator! },
    });
    expect(docx.statusCode).toBe(200);
    const text = (await (await JSZip.loadAsync(docx.rawPayload)).file('word/document.xml')!.async('string')).replace(/<[^>]+>/g, '');
    for (const item of [
      '信访事项处理意见书',
      reply.request,
      reply.factsAndReasons,
      '不予支持',
      reply.legalBasis,
      '高老汉',
      '请求原办理机关的上一级机关复查',
    ])
      expect(text).toContain(item);

    const print = await ctx.app.inject({
      method: 'GET',
      url: `/api/cases/${c.id}/petition-replies/reply/html`,
      headers: { cookie: cookies.mediator! },
    });
    expect(print.headers['content-type']).toContain('text/html');
    for (const item of ['信访事项处理意见书', reply.legalBasis, '不予支持', '@page']) expect(print.body).toContain(item);

    expect((await issue('dispatcher', { ...reply, stage: 'review' })).statusCode).toBe(201);
    const finalOne = await issue('dispatcher', { ...reply, stage: 're_review' });
    expect(finalOne.json().nextStepBy).toBeNull();
    const preview = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/cases/related-preview',
        headers: { cookie: cookies.reception! },
        payload: { kind: 'petition', category: 'land_acquisition', parties: [petitioner] },
      })
    ).json();
    expect(preview.signals.map((s: { reason: string }) => s.reason).join()).toContain('复核终结');
  });
});
