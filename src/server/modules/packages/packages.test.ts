import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { uniquePhone } from '../../../../test/support/identities.js';
import { addDays, shanghaiDate } from '../../../shared/calendar.js';
import { buildCaseBody } from '../cases/cases.factory.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  ctx = await startTestApp();
  for (const u of ['reception', 'dispatcher', 'leader', 'mediator', 'mediator2']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

const unitId = async (code: string) => (await ctx.database.pool.query('select id from units where code = $1', [code])).rows[0].id as string;
const userId = async (username: string) =>
  (await ctx.database.pool.query('select id from users where username = $1', [username])).rows[0].id as string;
const call = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  ctx.app.inject({ method, url, headers: { cookie: cookies[who]! }, ...(payload ? { payload } : {}) });

async function sixHouseholds() {
  const respondent = { role: 'respondent', type: 'organization', name: `焦作${randomUUID().slice(0, 6)}置业有限公司` } as const;
  const draft = (i: number) =>
    buildCaseBody({
      category: 'housing_homestead',
      summary: '开发商逾期交房',
      narrative: `购买的安置房逾期一年未交付，开发商拒绝支付违约金。第${i}户。`,
      parties: [{ role: 'applicant', type: 'person', name: `业主${i}`, phone: uniquePhone() }, respondent],
    });
  const cases: { id: string; code: string }[] = [];
  for (let i = 1; i <= 5; i++) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
      payload: draft(i),
    });
    cases.push(res.json());
  }
  return { respondent, cases, sixth: draft(6) };
}

describe('一揽子化解', () => {
  it('six households against one respondent are suggested as one package, which the dispatcher makes and the leader sees', async () => {
    const { respondent, cases, sixth } = await sixHouseholds();
    const preview = (await call('reception', 'POST', '/api/cases/related-preview', sixth)).json();
    expect(preview.flags).toContain('mass');
    expect(preview.suggestedPackage).toMatchObject({ name: `${respondent.name}群体性纠纷`, existingPackage: null });
    expect([...preview.suggestedPackage.caseIds].sort()).toEqual(cases.map((c) => c.id).sort());
    const filed = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/cases',
        headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
        payload: sixth,
      })
    ).json();
    // 风险研判 runs a moment after the registration answered.
    await ctx.settle();
    const sixthCase = (await call('reception', 'GET', `/api/cases/${filed.id}`)).json();
    expect(sixthCase.riskLevel).toBe('high');

    const created = await call('dispatcher', 'POST', '/api/packages', {
      name: preview.suggestedPackage.name,
      leadUnitId: await unitId('410871061-SFS'),
      coUnitIds: [await unitId('410871-ZJJ')],
      handlerId: await userId('mediator'),
      deadline: addDays(shanghaiDate(new Date()), 30),
      caseIds: [...preview.suggestedPackage.caseIds, sixthCase.id],
    });
    expect(created.statusCode, created.body).toBe(201);
    const pkg = created.json();
    expect(pkg).toMatchObject({ size: 6, peopleInvolved: 6, riskLevel: 'high', status: 'open', handler: { name: '赵敏' } });

    const list = (await call('leader', 'GET', '/api/packages')).json();
    expect(list.find((p: { id: string }) => p.id === pkg.id)).toMatchObject({ size: 6, peopleInvolved: 6, ageDays: 0, riskLevel: 'high' });
    // Another street does not see it.
    expect((await call('mediator2', 'GET', '/api/packages')).json().map((p: { id: string }) => p.id)).not.toContain(pkg.id);
    expect((await call('mediator2', 'GET', `/api/packages/${pkg.id}`)).statusCode).toBe(404);
    // Member cases show the package, and say so on their timeline.
    const member = (await call('dispatcher', 'GET', `/api/cases/${cases[0]!.id}`)).json();
    expect(member.package).toMatchObject({ id: pkg.id, name: pkg.name, proposedOutcome: null });
    expect(member.timeline.at(-1)).toMatchObject({ action: 'package_add', reason: `纳入一揽子化解：${pkg.name}` });
    // The next household's preview points at the open package.
    const again = (await call('reception', 'POST', '/api/cases/related-preview', sixth)).json();
    expect(again.suggestedPackage.existingPackage).toEqual({ id: pkg.id, name: pkg.name });
  });

  it('adds and removes members on both timelines, keeps a case in one open package, records joint meetings', async () => {
    const { cases } = await sixHouseholds();
    const pkg = (
      await call('dispatcher', 'POST', '/api/packages', {
        name: '测试包',
        leadUnitId: await unitId('410871061-SFS'),
        caseIds: cases.slice(0, 3).map((c) => c.id),
      })
    ).json();
    const other = await call('dispatcher', 'POST', '/api/packages', {
      name: '另一个包',
      leadUnitId: await unitId('410871061-SFS'),
      caseIds: [cases[0]!.id, cases[4]!.id],
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('CASE_IN_OTHER_PACKAGE');

    expect((await call('dispatcher', 'POST', `/api/packages/${pkg.id}/members`, { caseId: cases[3]!.id })).json().size).toBe(4);
    const removed = (
      await call('dispatcher', 'POST', `/api/packages/${pkg.id}/members/${cases[1]!.id}/remove`, { reason: '经核实系个人违约，单独办理' })
    ).json();
    expect(removed.size).toBe(3);
    expect(removed.timeline.map((e: { what: string }) => e.what)).toEqual([
      'created',
      'member_added',
      'member_added',
      'member_added',
      'member_added',
      'member_removed',
    ]);
    const left = (await call('dispatcher', 'GET', `/api/cases/${cases[1]!.id}`)).json();
    expect(left.package).toBeNull();
    expect(left.timeline.slice(-2).map((e: { action: string }) => e.action)).toEqual(['package_add', 'package_remove']);

    // A meeting held yesterday, whatever day the suite runs on.
    const heldOn = addDays(shanghaiDate(new Date()), -1);
    const met = (
      await call('dispatcher', 'POST', `/api/packages/${pkg.id}/meetings`, {
        heldOn,
        attendees: '文苑街道司法所、区住建局、开发商代表',
        minutes: '开发商承诺12月20日前交房并按日支付违约金。',
      })
    ).json();
    expect(met.meetings).toEqual([expect.objectContaining({ heldOn, minutes: expect.stringContaining('违约金') })]);
    expect((await call('leader', 'POST', `/api/packages/${pkg.id}/meetings`, { heldOn, attendees: 'x', minutes: 'y' })).statusCode).toBe(
      403,
    );
  });

  it('concluding the package proposes per-case outcomes that the handler confirms by concluding each case', async () => {
    const { cases } = await sixHouseholds();
    // Their risk assessments first (the fifth is a mass dispute's and is raised): the steps below read each case's version.
    await ctx.settle();
    const members = cases.slice(0, 2);
    const pkg = (
      await call('dispatcher', 'POST', '/api/packages', {
        name: '交房纠纷包',
        leadUnitId: await unitId('410871061-SFS'),
        caseIds: members.map((c) => c.id),
      })
    ).json();
    const sfs = await unitId('410871061-SFS');
    for (const c of members) {
      await actOnCaseOk(ctx.app, { cookie: cookies.dispatcher!, readerCookie: cookies.dispatcher! }, c.id, { action: 'accept' });
      await actOnCaseOk(ctx.app, { cookie: cookies.dispatcher!, readerCookie: cookies.dispatcher! }, c.id, {
        action: 'dispatch',
        leadUnitId: sfs,
      });
      await actOnCaseOk(ctx.app, { cookie: cookies.mediator!, readerCookie: cookies.dispatcher! }, c.id, { action: 'start' });
    }
    const concluded = await call('dispatcher', 'POST', `/api/packages/${pkg.id}/conclude`, {
      conclusion: '联席会议达成一揽子方案：12月20日前交房，逾期按日赔付。',
      outcomes: members.map((c) => ({ caseId: c.id, outcome: 'agreement', note: '按一揽子方案达成调解协议' })),
    });
    expect(concluded.statusCode, concluded.body).toBe(200);
    expect(concluded.json()).toMatchObject({
      status: 'concluded',
      members: [{ proposedOutcome: 'agreement' }, { proposedOutcome: 'agreement' }],
    });
    // The cases are not concluded behind the handler's back: each carries the proposal, and the handler confirms it.
    const detail = (await call('mediator', 'GET', `/api/cases/${members[0]!.id}`)).json();
    expect(detail.status).toBe('in_progress');
    expect(detail.package).toMatchObject({ proposedOutcome: 'agreement', proposedNote: '按一揽子方案达成调解协议' });
    const done = await actOnCaseOk(ctx.app, { cookie: cookies.mediator!, readerCookie: cookies.dispatcher! }, members[0]!.id, {
      action: 'conclude',
      outcome: 'agreement',
      note: '按一揽子方案达成调解协议',
    });
    expect(done.status).toBe('concluded');
    expect((await call('dispatcher', 'POST', `/api/packages/${pkg.id}/members`, { caseId: cases[4]!.id })).json().code).toBe(
      'PACKAGE_CLOSED',
    );
  });
});
