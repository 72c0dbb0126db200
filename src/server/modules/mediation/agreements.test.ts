import { randomUUID } from 'node:crypto';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { uniqueIdNumber, uniquePhone } from '../../../../test/support/identities.js';
import { addDays, shanghaiDate } from '../../../shared/calendar.js';
import { buildCaseBody } from '../cases/cases.factory.js';
import { sweepAgreementTerms } from './agreements.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  ctx = await startTestApp();
  for (const u of ['reception', 'dispatcher', 'mediator', 'mediator2']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

/** A case in mediation at 文苑街道司法所, with two parties. */
async function caseInMediation(category = 'labour', given: { name?: string; idNumber?: string; samePersonConfirmed?: boolean } = {}) {
  const applicant = {
    role: 'applicant',
    type: 'person',
    name: '孙小红',
    idNumber: uniqueIdNumber(),
    phone: uniquePhone(),
    address: '文苑街道东方社区9号楼',
    ...given,
  } as const;
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
    payload: buildCaseBody({
      category: category as never,
      parties: [applicant, { role: 'respondent', type: 'organization', name: `焦作${randomUUID().slice(0, 4)}装饰工程有限公司` }],
    }),
  });
  expect(created.statusCode, created.body).toBe(201);
  const c = created.json();
  const sfs = (await ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
  const as = (who: string) => ({ cookie: cookies[who]!, readerCookie: cookies.dispatcher! });
  await actOnCaseOk(ctx.app, as('dispatcher'), c.id, { action: 'accept' });
  await actOnCaseOk(ctx.app, as('dispatcher'), c.id, { action: 'dispatch', leadUnitId: sfs });
  await actOnCaseOk(ctx.app, as('mediator'), c.id, { action: 'start' });
  return { id: c.id as string, code: c.code as string, applicant, partyIds: (c.parties as { id: string }[]).map((p) => p.id) };
}

/** The centre's today when the file runs, and term due dates on either side of it (no year typed in). */
const TODAY = shanghaiDate(new Date());
const IN_TWO_WEEKS = addDays(TODAY, 14);
const A_MONTH_AGO = addDays(TODAY, -30);

const complete = {
  form: 'written',
  subjectMatter: 'wages',
  facts: '申请人于去年6月至8月在被申请人承建的东方社区工地务工，被申请人拖欠工资12000元。',
  disputedMatters: '被申请人应否支付及何时支付拖欠的工资12000元。',
  responsibilities: '被申请人未按约定支付劳动报酬，应承担支付责任；申请人应配合提供考勤记录。',
  terms: [
    { text: '被申请人向申请人支付拖欠工资12000元', method: '银行转账', dueDate: IN_TWO_WEEKS },
    { text: '申请人放弃其他请求', method: '签字确认', dueDate: IN_TWO_WEEKS },
  ],
};

const put = (who: string, id: string, body: object) =>
  ctx.app.inject({ method: 'PUT', url: `/api/cases/${id}/agreement`, headers: { cookie: cookies[who]! }, payload: body });
const post = (who: string, url: string, body?: object) =>
  ctx.app.inject({ method: 'POST', url, headers: { cookie: cookies[who]! }, ...(body ? { payload: body } : {}) });

describe('人民调解协议书', () => {
  it('refuses to finalise an agreement missing any statutory item, with a code naming the item', async () => {
    const c = await caseInMediation();
    const cases: [object, string][] = [
      [{ facts: '' }, 'AGREEMENT_MISSING_FACTS'],
      [{ disputedMatters: '' }, 'AGREEMENT_MISSING_DISPUTED_MATTERS'],
      [{ responsibilities: '' }, 'AGREEMENT_MISSING_RESPONSIBILITIES'],
      [{ terms: [] }, 'AGREEMENT_MISSING_TERMS'],
      [{ terms: [{ ...complete.terms[0], method: '' }] }, 'AGREEMENT_TERM_MISSING_METHOD'],
      [{ terms: [{ ...complete.terms[0], dueDate: null }] }, 'AGREEMENT_TERM_MISSING_DUE_DATE'],
      [{ partyIds: [c.partyIds[0]] }, 'AGREEMENT_MISSING_PARTIES'],
    ];
    for (const [change, code] of cases) {
      expect((await put('mediator', c.id, { ...complete, ...change })).statusCode).toBe(200);
      const res = await post('mediator', `/api/cases/${c.id}/agreement/finalize`);
      expect(res.statusCode, code).toBe(422);
      expect(res.json().code).toBe(code);
      expect(res.json().message.length).toBeGreaterThan(4);
    }
    expect((await put('mediator', c.id, complete)).json().missingItems).toEqual([]);
    const ok = await post('mediator', `/api/cases/${c.id}/agreement/finalize`);
    expect(ok.json()).toMatchObject({ status: 'final', committeeName: '文苑街道人民调解委员会' });
    expect((await put('mediator', c.id, complete)).json().code).toBe('AGREEMENT_FINAL');
    // Another street's mediator cannot touch it.
    expect((await put('mediator2', c.id, complete)).statusCode).toBe(404);
  });

  it('names the parties as the case gives them: a name confirmed for an ID on file under another name is the one on the DOCX and in the case file', async () => {
    const idNumber = uniqueIdNumber();
    await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
      payload: buildCaseBody({ parties: [{ role: 'applicant', type: 'person', name: '王五', idNumber }] }),
    });
    const c = await caseInMediation('labour', { name: '𠈌秀兰', idNumber, samePersonConfirmed: true });
    await put('mediator', c.id, complete);
    await post('mediator', `/api/cases/${c.id}/agreement/finalize`);
    const docx = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}/agreement.docx`, headers: { cookie: cookies.mediator! } });
    const text = (await (await JSZip.loadAsync(docx.rawPayload)).file('word/document.xml')!.async('string')).replace(/<[^>]+>/g, '');
    expect(text).toContain('𠈌秀兰');
    expect(text).not.toContain('王五');
    const file = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}/case-file.zip`, headers: { cookie: cookies.mediator! } });
    const register = await (await JSZip.loadAsync(file.rawPayload)).file('01-登记表.html')!.async('string');
    expect(register).toContain('𠈌秀兰');
    expect(register).not.toContain('王五');
  });

  it('makes a DOCX that opens, with every item, one copy per party plus the committee’s, and logs the view', async () => {
    const c = await caseInMediation();
    await put('mediator', c.id, complete);
    await post('mediator', `/api/cases/${c.id}/agreement/finalize`);
    const res = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}/agreement.docx`, headers: { cookie: cookies.mediator! } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml');
    const zip = await JSZip.loadAsync(res.rawPayload);
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = xml.replace(/<[^>]+>/g, '');
    for (const item of [
      complete.facts,
      complete.disputedMatters,
      complete.responsibilities,
      complete.terms[0]!.text,
      '银行转账',
      IN_TWO_WEEKS,
      c.applicant.name,
      c.applicant.idNumber,
      '人民调解协议书',
      '按指印',
      '（印章）',
    ]) {
      expect(text, item).toContain(item);
    }
    expect(text.match(/收执/g)).toHaveLength(2);
    expect(text.match(/人民调解委员会存档/g)).toHaveLength(1);
    const { rows } = await ctx.database.pool.query(
      `select count(*)::int as n from access_log where field = 'agreement_document' and request_id = $1`,
      [res.headers['x-request-id']],
    );
    expect(rows[0].n).toBe(2);
    const page = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}/agreement.html`, headers: { cookie: cookies.mediator! } });
    expect(page.body).toContain('page-break-after: always');
    expect(page.body.match(/class="copy"/g)).toHaveLength(3);
  });
});

describe('司法确认', () => {
  it('a wage-arrears agreement is eligible: signed by all it takes effect, with the 30-day window, reminders and the court’s decision', async () => {
    const c = await caseInMediation();
    await put('mediator', c.id, complete);
    let a = (await post('mediator', `/api/cases/${c.id}/agreement/finalize`)).json();
    expect(a.judicialConfirmation).toMatchObject({ eligible: true, windowEndsOn: null });
    expect(
      (
        await ctx.app.inject({
          method: 'PUT',
          url: `/api/cases/${c.id}/agreement/judicial-confirmation`,
          headers: { cookie: cookies.mediator! },
          payload: { court: '焦作市示范区人民法院', appliedOn: TODAY },
        })
      ).json().code,
    ).toBe('JUDICIAL_CONFIRMATION_NOT_EFFECTIVE');
    for (const partyId of c.partyIds)
      a = (await post('mediator', `/api/cases/${c.id}/agreement/signatures`, { signer: 'party', partyId, kind: 'fingerprint' })).json();
    expect(a.status).toBe('final');
    await post('mediator', `/api/cases/${c.id}/agreement/signatures`, { signer: 'mediator', kind: 'signature' });
    a = (await post('mediator', `/api/cases/${c.id}/agreement/signatures`, { signer: 'committee', kind: 'seal' })).json();
    const today = shanghaiDate(new Date());
    const ends = (await ctx.app.deps.calendar.get()).addCalendarDays(today, 30).date;
    expect(a).toMatchObject({ status: 'effective', effectiveOn: today, judicialConfirmation: { eligible: true, windowEndsOn: ends } });
    const { rows } = await ctx.database.pool.query(
      `select channel, title from outbox where case_id = $1 and dedupe_key like 'jc-window:%' order by channel`,
      [c.id],
    );
    expect(rows.map((r) => r.channel)).toEqual(['in_app', 'sms']);
    const decided = await ctx.app.inject({
      method: 'PUT',
      url: `/api/cases/${c.id}/agreement/judicial-confirmation`,
      headers: { cookie: cookies.mediator! },
      payload: { court: '焦作市示范区人民法院', appliedOn: today, decision: 'confirmed', decidedOn: today },
    });
    expect(decided.json().judicialConfirmation).toMatchObject({ court: '焦作市示范区人民法院', decision: 'confirmed' });
  });

  it('a divorce-custody agreement is reported ineligible, whatever the subject was marked as', async () => {
    const c = await caseInMediation('marriage_family');
    const custody = {
      ...complete,
      subjectMatter: 'family_support',
      terms: [{ text: '双方同意离婚，婚生子抚养权归女方', method: '协议约定', dueDate: IN_TWO_WEEKS }],
    };
    const a = (await put('mediator', c.id, custody)).json();
    expect(a.judicialConfirmation).toMatchObject({ eligible: false, reason: expect.stringContaining('身份关系') });
    const marked = (await put('mediator', c.id, { ...custody, subjectMatter: 'status_relationship' })).json();
    expect(marked.judicialConfirmation.eligible).toBe(false);
    await post('mediator', `/api/cases/${c.id}/agreement/finalize`);
    const refused = await ctx.app.inject({
      method: 'PUT',
      url: `/api/cases/${c.id}/agreement/judicial-confirmation`,
      headers: { cookie: cookies.mediator! },
      payload: { court: '某法院', appliedOn: TODAY },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('JUDICIAL_CONFIRMATION_INELIGIBLE');
  });

  it('an oral agreement takes effect when recorded and cannot be confirmed by a court', async () => {
    const c = await caseInMediation('neighbourhood');
    await put('mediator', c.id, { ...complete, form: 'oral', subjectMatter: 'neighbourhood' });
    const a = (await post('mediator', `/api/cases/${c.id}/agreement/finalize`)).json();
    expect(a).toMatchObject({
      status: 'effective',
      judicialConfirmation: { eligible: false, reason: expect.stringContaining('口头协议') },
    });
  });
});

describe('履行', () => {
  it('a term not performed on time raises an alert once; recording performance is on the timeline', async () => {
    const c = await caseInMediation();
    await put('mediator', c.id, {
      ...complete,
      terms: [
        { text: '支付工资6000元', method: '现金', dueDate: A_MONTH_AGO },
        { text: '再支付工资6000元', method: '转账', dueDate: '2099-12-31' },
      ],
    });
    await post('mediator', `/api/cases/${c.id}/agreement/finalize`);
    for (const partyId of c.partyIds)
      await post('mediator', `/api/cases/${c.id}/agreement/signatures`, { signer: 'party', partyId, kind: 'signature' });
    await post('mediator', `/api/cases/${c.id}/agreement/signatures`, { signer: 'mediator', kind: 'signature' });
    const a = (await post('mediator', `/api/cases/${c.id}/agreement/signatures`, { signer: 'committee', kind: 'seal' })).json();
    expect(a.terms.map((t: { isOverdue: boolean }) => t.isOverdue)).toEqual([true, false]);

    const today = shanghaiDate(new Date());
    const alerts = async () =>
      (
        await ctx.database.pool.query(`select dedupe_key, title from outbox where case_id = $1 and dedupe_key like 'term-overdue:%'`, [
          c.id,
        ])
      ).rows;
    await sweepAgreementTerms(ctx.database.db, today);
    await sweepAgreementTerms(ctx.database.db, today);
    expect(await alerts()).toEqual([{ dedupe_key: `term-overdue:${a.id}:0`, title: `协议未按期履行：${c.code}` }]);

    const recorded = (
      await post('mediator', `/api/cases/${c.id}/agreement/terms/0/performance`, {
        performance: 'not_performed',
        note: '被申请人称资金周转困难',
      })
    ).json();
    expect(recorded.terms[0]).toMatchObject({ performance: 'not_performed', isOverdue: true });
    const detail = (await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: cookies.mediator! } })).json();
    expect(detail.timeline.at(-1)).toMatchObject({
      action: 'term_performance',
      reason: expect.stringContaining('引导当事人向人民法院起诉'),
    });
    const performed = (
      await post('mediator', `/api/cases/${c.id}/agreement/terms/0/performance`, { performance: 'performed', note: null })
    ).json();
    expect(performed.terms[0].isOverdue).toBe(false);
  });
});

describe('案卷', () => {
  it('exports the whole case as a ZIP with an index, the agreement as DOCX, and logs the export', async () => {
    const c = await caseInMediation();
    await put('mediator', c.id, complete);
    await post('mediator', `/api/cases/${c.id}/agreement/finalize`);
    const res = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}/case-file.zip`, headers: { cookie: cookies.mediator! } });
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const zip = await JSZip.loadAsync(res.rawPayload);
    const names = Object.keys(zip.files).sort();
    expect(names).toEqual(
      expect.arrayContaining(['00-目录.html', '01-登记表.html', '02-办理过程.html', '04-人民调解协议书.docx', '06-回访记录.html']),
    );
    const index = await zip.file('00-目录.html')!.async('string');
    for (const n of ['01-登记表.html', '04-人民调解协议书.docx']) expect(index).toContain(n);
    expect(await zip.file('01-登记表.html')!.async('string')).toContain(c.applicant.idNumber);
    expect(await zip.file('02-办理过程.html')!.async('string')).toContain('开始办理');
    const { rows } = await ctx.database.pool.query(
      `select count(*)::int as n from access_log where field = 'case_file' and request_id = $1`,
      [res.headers['x-request-id']],
    );
    expect(rows[0].n).toBe(2);
    // Roles that may not see parties in full may not export.
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/cases/${c.id}/case-file.zip`,
          headers: { cookie: await signIn(ctx.app, 'leader') },
        })
      ).statusCode,
    ).toBe(403);
  });
});
