import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { uniqueIdNumber, uniquePhone } from '../../../../test/support/identities.js';
import { buildCaseBody } from '../cases/cases.factory.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  ctx = await startTestApp();
  for (const u of ['reception', 'dispatcher', 'mediator2', 'admin']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

type Body = Parameters<typeof buildCaseBody>[0];
async function file(overrides: Body, who = 'reception') {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: cookies[who]!, 'idempotency-key': randomUUID() },
    payload: buildCaseBody(overrides),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
async function preview(draft: object, who = 'reception') {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/cases/related-preview',
    headers: { cookie: cookies[who]! },
    payload: draft,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
/** Cases of one named person: other files register cases at the same time, so never count the whole table. */
const countCasesOf = async (name: string) =>
  (
    await ctx.database.pool.query(
      'select count(*)::int as n from case_parties cp join persons p on p.id = cp.person_id where p.name = $1',
      [name],
    )
  ).rows[0].n as number;

describe('one person, one record', () => {
  it('the same person by walk-in (ID number) and by hotline (phone only) is offered as one person', async () => {
    const idNumber = uniqueIdNumber();
    const phone = uniquePhone();
    const walkIn = await file({ parties: [{ role: 'applicant', type: 'person', name: '韩梅梅', idNumber, phone }] });
    const before = await countCasesOf('韩梅梅');
    const draft = { channel: 'phone', kind: 'dispute', parties: [{ role: 'applicant', type: 'person', name: '韩梅梅', phone }] };
    const p = await preview(draft);
    expect(p.person).toMatchObject({ name: '韩梅梅', matchedBy: 'phone', caseCount: 1 });
    expect(p.person.id).toBe(walkIn.parties[0].personId);
    expect(p.related[0]).toMatchObject({ code: walkIn.code, reasons: expect.arrayContaining([expect.stringContaining('同一当事人')]) });
    // The preview saves nothing.
    expect(await countCasesOf('韩梅梅')).toBe(before);
    // Registered, the hotline case lands on the same person record.
    const hotline = await file({ channel: 'phone', parties: [{ role: 'applicant', type: 'person', name: '韩梅梅', phone }] });
    expect(hotline.parties[0].personId).toBe(walkIn.parties[0].personId);
  });

  it('offers a name typed with a homophone as a likely match, never merging it', async () => {
    const suffix = String(Math.floor(Math.random() * 9000) + 1000);
    const first = await file({
      parties: [{ role: 'applicant', type: 'person', name: '张晓峰', phone: uniquePhone(suffix), address: '文苑街道东方社区8号楼' }],
    });
    const p = await preview({ parties: [{ role: 'applicant', type: 'person', name: '章晓锋', phone: uniquePhone(suffix) }] });
    expect(p.person).toBeNull();
    const likely = p.likelyPersons.find((l: { id: string }) => l.id === first.parties[0].personId);
    expect(likely).toBeTruthy();
    expect(likely.reasons).toEqual(expect.arrayContaining(['同音姓名（zhang xiao feng）', `手机尾号相同（${suffix}）`]));
    // A different name sounding different is not offered.
    const other = await preview({ parties: [{ role: 'applicant', type: 'person', name: '李晓峰', phone: uniquePhone(suffix) }] });
    expect(other.likelyPersons.map((l: { id: string }) => l.id)).not.toContain(first.parties[0].personId);
  });

  it('organisations are matched by their unified social credit code, which is checked', async () => {
    const org = {
      role: 'respondent',
      type: 'organization',
      name: `焦作${randomUUID().slice(0, 4)}物业公司`,
      creditCode: '91110108551385082Q',
    };
    const bad = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
      payload: buildCaseBody({
        parties: [
          { role: 'applicant', type: 'person', name: '甲' },
          { ...org, creditCode: '91110108551385082A' },
        ] as never,
      }),
    });
    expect(bad.json().code).toBe('CREDIT_CODE_INVALID');
    const a = await file({ parties: [{ role: 'applicant', type: 'person', name: '甲' }, org] as never });
    const b = await file({
      parties: [
        { role: 'applicant', type: 'person', name: '乙' },
        { ...org, name: '另一个名字' },
      ] as never,
    });
    expect(b.parties[1].personId).toBe(a.parties[1].personId);
  });
});

describe('the same place', () => {
  it('an address written alike in the same community relates the cases, found through the trigram index', async () => {
    const building = `${randomUUID().slice(0, 8)}号楼`;
    const earlier = await file({ place: { address: `文苑街道东方社区${building}二单元楼道`, unitCode: '410871061001' } });
    // Many other cases in the same community, addresses alike only in their common prefix: not the same place.
    for (let i = 0; i < 3; i++) await file({ place: { address: `文苑街道东方社区某工地（${randomUUID()}）`, unitCode: '410871061001' } });
    const p = await preview({
      kind: 'dispute',
      place: { address: `东方社区${building}二单元楼道漏水`, unitCode: '410871061001' },
      parties: [{ role: 'applicant', type: 'person', name: '王小丫', phone: uniquePhone() }],
    });
    const sameplace = p.related.filter((r: { reasons: string[] }) => r.reasons.some((x) => x.startsWith('同一地点')));
    expect(sameplace.map((r: { code: string }) => r.code)).toEqual([earlier.code]);
    // In another community the same words are another place.
    const elsewhere = await preview({
      kind: 'dispute',
      place: { address: `东方社区${building}二单元楼道漏水`, unitCode: '410871061002' },
      parties: [{ role: 'applicant', type: 'person', name: '王小丫', phone: uniquePhone() }],
    });
    expect(elsewhere.related.some((r: { code: string }) => r.code === earlier.code)).toBe(false);
  });
});

describe('signals at intake', () => {
  it('flags an accepted petition filed again as 重复', async () => {
    const idNumber = uniqueIdNumber();
    const petitioner = { role: 'applicant', type: 'person', name: '王建军', idNumber };
    const first = await file({ kind: 'petition', category: 'land_acquisition', parties: [petitioner] as never });
    await actOnCaseOk(ctx.app, { cookie: cookies.dispatcher!, readerCookie: cookies.dispatcher! }, first.id, { action: 'accept' });
    const p = await preview({ kind: 'petition', category: 'land_acquisition', parties: [petitioner] });
    expect(p.flags).toContain('repeat');
    expect(p.signals.find((s: { flag: string }) => s.flag === 'repeat').reason).toContain('不再重复受理');
    // Another street's mediator gets the flag but not the case: it is outside their jurisdiction.
    const elsewhere = await preview({ kind: 'petition', category: 'land_acquisition', parties: [petitioner] }, 'mediator2');
    expect(elsewhere.flags).toContain('repeat');
    expect(elsewhere.signals.find((s: { flag: string }) => s.flag === 'repeat').reason).toContain('其他单位');
    expect(elsewhere.related).toEqual([]);
  });

  it('six households against one respondent within a week: related by respondent, flagged as a mass dispute', async () => {
    const respondent = { role: 'respondent', type: 'organization', name: `焦作${randomUUID().slice(0, 6)}置业有限公司` };
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await file({
        category: 'housing_homestead',
        summary: '开发商逾期交房',
        narrative: `购买的安置房逾期一年未交付，开发商拒绝支付违约金。第${i + 1}户。`,
        parties: [{ role: 'applicant', type: 'person', name: `业主${i + 1}`, phone: uniquePhone() }, respondent] as never,
      });
      codes.push(c.code);
    }
    const p = await preview({
      category: 'housing_homestead',
      summary: '开发商逾期交房',
      narrative: '安置房逾期未交付，开发商不支付违约金。第六户。',
      peopleInvolved: 1,
      parties: [{ role: 'applicant', type: 'person', name: '业主6' }, respondent],
    });
    const relatedCodes = p.related.map((r: { code: string }) => r.code);
    expect(relatedCodes).toEqual(expect.arrayContaining(codes));
    expect(p.related[0].reasons).toEqual(
      expect.arrayContaining([`同一被申请人：${respondent.name}`, expect.stringMatching(/^相似诉求：.*(逾期|违约金|安置房)/)]),
    );
    expect(p.flags).toContain('mass');
    expect(p.signals.find((s: { flag: string }) => s.flag === 'mass').reason).toContain('一揽子化解');
  });

  it('flags a petition brought straight to the district as 越级, unless a street or community had it first', async () => {
    const draft = (party: object) => ({
      kind: 'petition',
      category: 'land_acquisition',
      parties: [party],
      place: { address: '区信访局接待大厅', unitCode: '410871-XFJ' },
    });
    const newcomer = { role: 'applicant', type: 'person', name: '赵大勇', idNumber: uniqueIdNumber() };
    const skipped = await preview(draft(newcomer));
    expect(skipped.flags).toContain('skip_level');
    expect(skipped.signals.find((s: { flag: string }) => s.flag === 'skip_level').reason).toContain('越级');
    // Someone whose matter the community registered first did not skip a level.
    const known = { role: 'applicant', type: 'person', name: '钱二喜', idNumber: uniqueIdNumber() };
    await file({ kind: 'petition', category: 'land_acquisition', parties: [known] as never });
    expect((await preview(draft(known))).flags).not.toContain('skip_level');
    // At the community itself, nothing was skipped.
    expect((await preview({ ...draft(newcomer), place: { address: '东方社区', unitCode: '410871061001' } })).flags).not.toContain(
      'skip_level',
    );
  });

  it('a threat word raises the risk a moment after registration, with its reason on the timeline, and alerts the dispatcher', async () => {
    const filed = await file({ narrative: '工资拖欠半年，申请人扬言如果再不解决就去跳楼。', riskLevel: 'low' });
    // The clerk's answer does not wait for the assessment: it is queued with the case and runs a moment later.
    expect(filed.riskLevel).toBe('low');
    await ctx.settle();
    expect((await ctx.database.pool.query(`select 1 from case_assessments where case_id = $1`, [filed.id])).rowCount).toBe(0);
    const c = (await ctx.app.inject({ method: 'GET', url: `/api/cases/${filed.id}`, headers: { cookie: cookies.reception! } })).json();
    expect(c.riskLevel).toBe('high');
    expect(c.version).toBe(filed.version + 1);
    const signal = c.timeline.find((e: { action: string }) => e.action === 'risk_signal');
    expect(signal.reason).toContain('含有极端表述：扬言、跳楼');
    const { rows } = await ctx.database.pool.query(
      `select o.title from outbox o join users u on u.id = o.recipient_user_id where o.case_id = $1 and u.username = 'dispatcher'`,
      [c.id],
    );
    expect(rows).toEqual([{ title: `风险预警：${c.code}` }]);
    // The resident's progress page does not show the assessment.
    const progress = (await ctx.app.inject({ method: 'GET', url: `/api/public/progress/${c.trackingToken}` })).json();
    expect(progress.steps.map((s: { action: string }) => s.action)).toEqual(['register']);
  });

  it('the admin edits the rules: a new threat word takes effect at once', async () => {
    const rules = (await ctx.app.inject({ method: 'GET', url: '/api/risk-rules', headers: { cookie: cookies.admin! } })).json();
    const word = `要去${randomUUID().slice(0, 4)}`;
    // The rules in use before the edit (the preview keeps them in memory: the edit must replace them there).
    expect((await preview({ narrative: `邻居说${word}闹事` })).flags).not.toContain('threat');
    expect(
      (await ctx.app.inject({ method: 'PUT', url: '/api/risk-rules', headers: { cookie: cookies.dispatcher! }, payload: rules }))
        .statusCode,
    ).toBe(403);
    const saved = await ctx.app.inject({
      method: 'PUT',
      url: '/api/risk-rules',
      headers: { cookie: cookies.admin! },
      payload: { ...rules, threatWords: [...rules.threatWords, word] },
    });
    expect(saved.statusCode).toBe(200);
    const p = await preview({ narrative: `邻居说${word}闹事` });
    expect(p.flags).toContain('threat');
    await ctx.app.inject({ method: 'PUT', url: '/api/risk-rules', headers: { cookie: cookies.admin! }, payload: rules });
  });
});
