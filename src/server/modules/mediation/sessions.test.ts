import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { uniquePhone } from '../../../../test/support/identities.js';
import { addDays, shanghaiDate } from '../../../shared/calendar.js';
import { buildCaseBody } from '../cases/cases.factory.js';

/** 09:30 tomorrow in Shanghai, whatever day the suite runs. */
const TOMORROW_MORNING = `${addDays(shanghaiDate(new Date()), 1)}T09:30:00+08:00`;

let ctx: TestContext;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  ctx = await startTestApp();
  for (const u of ['reception', 'dispatcher', 'mediator', 'mediator2']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

const as = (who: string) => ({ cookie: cookies[who]!, readerCookie: cookies.dispatcher! });

async function caseInMediation() {
  const c = (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
      payload: buildCaseBody({
        category: 'neighbourhood',
        parties: [
          { role: 'applicant', type: 'person', name: '周大妈', phone: uniquePhone() },
          { role: 'respondent', type: 'person', name: '吴先生', phone: uniquePhone() },
        ],
      }),
    })
  ).json();
  const sfs = (await ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
  await actOnCaseOk(ctx.app, as('dispatcher'), c.id, { action: 'accept' });
  await actOnCaseOk(ctx.app, as('dispatcher'), c.id, { action: 'dispatch', leadUnitId: sfs });
  await actOnCaseOk(ctx.app, as('mediator'), c.id, { action: 'start' });
  return { id: c.id as string, partyIds: (c.parties as { id: string }[]).map((p) => p.id) };
}
const call = (who: string, method: 'POST' | 'PUT' | 'GET', url: string, payload?: object) =>
  ctx.app.inject({ method, url, headers: { cookie: cookies[who]! }, ...(payload ? { payload } : {}) });
/** A session is recorded after it took place: by default, one scheduled an hour ago. */
const schedule = (c: { id: string; partyIds: string[] }, scheduledAt = new Date(Date.now() - 3_600_000).toISOString()) =>
  call('mediator', 'POST', `/api/cases/${c.id}/sessions`, {
    scheduledAt,
    room: '调解室（一）',
    mediatorNames: '赵敏、黄志刚',
    invitedPartyIds: c.partyIds,
    isPublic: false,
  });
const record = {
  rightsNote: '已告知双方人民调解不收费、可选择或拒绝调解员、可要求公开或不公开调解；双方同意由赵敏主持，不公开调解。',
  record: '调解员：今天就楼道堆物一事调解……',
  statements: [] as object[],
};

describe('mediation sessions', () => {
  it('are scheduled with the parties told by text message, then recorded with attendance, statements and the record', async () => {
    const c = await caseInMediation();
    const tomorrow = await schedule(c, TOMORROW_MORNING);
    expect(tomorrow.statusCode, tomorrow.body).toBe(201);
    const sms = await ctx.database.pool.query(
      `select count(*)::int as n from outbox where case_id = $1 and channel = 'sms' and dedupe_key like 'session:%'`,
      [c.id],
    );
    expect(sms.rows[0].n).toBe(2);
    // Tomorrow's session cannot be recorded as held today.
    const early = await call('mediator', 'PUT', `/api/cases/${c.id}/sessions/${tomorrow.json().id}/record`, {
      ...record,
      attendedPartyIds: c.partyIds,
      outcome: 'continue',
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('SESSION_NOT_YET_HELD');
    const s = await schedule(c);
    expect(s.statusCode, s.body).toBe(201);
    // Another street's mediator does not even see the case.
    expect(
      (
        await call('mediator2', 'POST', `/api/cases/${c.id}/sessions`, {
          scheduledAt: TOMORROW_MORNING,
          room: 'x',
          mediatorNames: 'x',
          invitedPartyIds: c.partyIds,
        })
      ).statusCode,
    ).toBe(404);
    const held = await call('mediator', 'PUT', `/api/cases/${c.id}/sessions/${s.json().id}/record`, {
      ...record,
      attendedPartyIds: c.partyIds,
      statements: [
        { partyId: c.partyIds[0], text: '楼道被堆满杂物，老人进出不便。' },
        { partyId: c.partyIds[1], text: '东西是临时放的，本周清走。' },
      ],
      outcome: 'continue',
    });
    expect(held.json()).toMatchObject({ status: 'held', outcome: 'continue', attendedPartyIds: c.partyIds });
    expect(
      (
        await call('mediator', 'PUT', `/api/cases/${c.id}/sessions/${s.json().id}/record`, {
          ...record,
          attendedPartyIds: [],
          outcome: 'continue',
        })
      ).json().code,
    ).toBe('SESSION_NOT_OPEN');
    const detail = (await call('mediator', 'GET', `/api/cases/${c.id}`)).json();
    expect(detail.timeline.slice(-3).map((e: { action: string }) => e.action)).toEqual([
      'session_scheduled',
      'session_scheduled',
      'session_held',
    ]);
    expect(
      (await call('mediator', 'GET', `/api/cases/${c.id}/sessions`))
        .json()
        .map((x: { status: string }) => x.status)
        .sort(),
    ).toEqual(['held', 'scheduled']);
  });

  it('a party’s clear refusal ends mediation (Art.17): the case is concluded as 调解不成 with the reason', async () => {
    const c = await caseInMediation();
    const s = (await schedule(c)).json();
    await call('mediator', 'PUT', `/api/cases/${c.id}/sessions/${s.id}/record`, {
      ...record,
      attendedPartyIds: [c.partyIds[0]],
      outcome: 'refused',
    });
    const detail = (await call('mediator', 'GET', `/api/cases/${c.id}`)).json();
    expect(detail).toMatchObject({ status: 'concluded', outcome: 'no_agreement' });
    expect(detail.timeline.at(-1).reason).toContain('第十七条');
  });

  it('records the session and the conclusion all or nothing: when concluding fails, the session stays open and the case unchanged', async () => {
    const c = await caseInMediation();
    const s = (await schedule(c)).json();
    // A suspended case cannot be concluded: the refusal's conclusion is the step that fails.
    await actOnCaseOk(ctx.app, as('mediator'), c.id, { action: 'suspend', reason: '等待鉴定结果' });
    const before = (await call('mediator', 'GET', `/api/cases/${c.id}`)).json();
    const res = await call('mediator', 'PUT', `/api/cases/${c.id}/sessions/${s.id}/record`, {
      ...record,
      attendedPartyIds: [c.partyIds[0]],
      outcome: 'refused',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CASE_TRANSITION_NOT_ALLOWED');
    const after = (await call('mediator', 'GET', `/api/cases/${c.id}`)).json();
    expect(after).toMatchObject({ status: 'suspended', version: before.version });
    expect(after.timeline).toHaveLength(before.timeline.length);
    expect((await call('mediator', 'GET', `/api/cases/${c.id}/sessions`)).json()).toEqual([
      expect.objectContaining({ id: s.id, status: 'scheduled', outcome: null }),
    ]);
  });

  it('a dispute that may turn criminal goes to the police with one action (Art.25)', async () => {
    const c = await caseInMediation();
    const res = await call('mediator', 'POST', `/api/cases/${c.id}/refer-police`, { reason: '双方在调解室发生推搡，一方扬言报复' });
    expect(res.json()).toMatchObject({ stationNotified: true });
    const detail = (await call('mediator', 'GET', `/api/cases/${c.id}`)).json();
    expect(detail.riskLevel).toBe('high');
    expect(detail.timeline.at(-1)).toMatchObject({ action: 'police_referral', reason: expect.stringContaining('第二十五条') });
  });
});
