import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../../shared/calendar.js';
import { actOnCaseNow, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { buildCaseBody } from '../cases/cases.factory.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  ctx = await startTestApp();
  for (const u of ['reception', 'dispatcher', 'mediator', 'head', 'leader', 'admin']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

const send = (who: string, id: string, body: Record<string, unknown>) =>
  actOnCaseNow(ctx.app, { cookie: cookies[who]!, readerCookie: cookies.admin! }, id, body);

/** A petition in progress at 文苑街道司法所, with its 60-day handling clock running. */
async function petitionInProgress() {
  const units = (await ctx.app.inject({ method: 'GET', url: '/api/units', headers: { cookie: cookies.admin! } })).json().items;
  const sfs = units.find((u: { code: string }) => u.code === '410871061-SFS').id;
  const c = (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
      payload: buildCaseBody({ kind: 'petition', category: 'other' }),
    })
  ).json();
  await send('reception', c.id, { action: 'accept' });
  await send('dispatcher', c.id, { action: 'dispatch', leadUnitId: sfs });
  await send('mediator', c.id, { action: 'start' });
  return c.id as string;
}

describe('extensions (信访工作条例 Art.34)', () => {
  it('refuses an extension beyond 30 days for a petition, with a clear code', async () => {
    const id = await petitionInProgress();
    const res = await send('mediator', id, { action: 'request_extension', extensionDays: 31, reason: '需要调查取证' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'DEADLINE_EXTENSION_TOO_LONG', details: { maxExtensionDays: 30, allowed: 30 } });
  });

  it('is asked by the handler, approved by the unit head with the resident told, and moves the due date', async () => {
    const id = await petitionInProgress();
    const before = (await ctx.app.inject({ method: 'GET', url: `/api/cases/${id}`, headers: { cookie: cookies.mediator! } })).json();
    const handling = before.clocks.find((k: { stage: string }) => k.stage === 'handling');
    expect(before.allowedActions).toContain('request_extension');
    expect((await send('mediator', id, { action: 'request_extension', extensionDays: 20, reason: '需要司法鉴定' })).statusCode).toBe(200);
    // A plain mediator cannot decide; the head of the same 司法所 can.
    const asMediator = (await ctx.app.inject({ method: 'GET', url: `/api/cases/${id}`, headers: { cookie: cookies.mediator! } })).json();
    expect(asMediator.allowedActions).not.toContain('decide_extension');
    expect((await send('mediator', id, { action: 'decide_extension', approve: true, residentNotice: 'x' })).json().code).toBe(
      'EXTENSION_DECIDER_FORBIDDEN',
    );
    expect((await send('head', id, { action: 'decide_extension', approve: true })).json().code).toBe('EXTENSION_NOTICE_REQUIRED');
    const approved = await send('head', id, {
      action: 'decide_extension',
      approve: true,
      residentNotice: '已于当日电话告知申请人延期理由',
    });
    expect(approved.statusCode).toBe(200);
    const after = approved.json();
    const moved = after.clocks.find((k: { stage: string }) => k.stage === 'handling');
    expect(moved.extendedDays).toBe(20);
    const expected = (
      await ctx.app.inject({ method: 'GET', url: `/api/calendar/add-calendar-days?from=${handling.startedOn}&days=80` })
    ).json().date;
    expect(moved.dueDate).toBe(expected);
    expect(after.extensions).toEqual([
      expect.objectContaining({ status: 'approved', days: 20, residentNotice: '已于当日电话告知申请人延期理由' }),
    ]);
    expect(after.timeline.at(-1)).toMatchObject({
      action: 'decide_extension',
      data: expect.objectContaining({ residentNotice: '已于当日电话告知申请人延期理由' }),
    });
    // 20 of 30 used: 11 more is too many, 10 is fine.
    expect((await send('mediator', id, { action: 'request_extension', extensionDays: 11, reason: '再延' })).json().code).toBe(
      'DEADLINE_EXTENSION_TOO_LONG',
    );
    expect((await send('mediator', id, { action: 'request_extension', extensionDays: 10, reason: '再延' })).statusCode).toBe(200);
    expect((await send('mediator', id, { action: 'request_extension', extensionDays: 1, reason: '再延' })).json().code).toBe(
      'EXTENSION_ALREADY_PENDING',
    );
  });

  it('may be refused with a reason; the due date stays', async () => {
    const id = await petitionInProgress();
    await send('mediator', id, { action: 'request_extension', extensionDays: 5, reason: '材料不全' });
    const refused = (await send('leader', id, { action: 'decide_extension', approve: false, reason: '理由不充分' })).json();
    expect(refused.extensions[0]).toMatchObject({ status: 'refused', decisionNote: '理由不充分' });
    expect(refused.clocks.find((k: { stage: string }) => k.stage === 'handling').extendedDays).toBe(0);
  });
});

describe('supervision (督办)', () => {
  it('the dispatcher urges with a reply-by date; the handler sees it in "my urges" and answers', async () => {
    const id = await petitionInProgress();
    const today = shanghaiDate(new Date());
    expect((await send('dispatcher', id, { action: 'urge', note: '请加快办理', replyBy: addDays(today, -1) })).json().code).toBe(
      'URGE_REPLY_BY_INVALID',
    );
    expect((await send('mediator', id, { action: 'urge', note: 'x', replyBy: today })).statusCode).toBe(403);
    const urged = (await send('dispatcher', id, { action: 'urge', note: '请三日内报告进展', replyBy: addDays(today, 3) })).json();
    expect(urged.urges).toEqual([expect.objectContaining({ note: '请三日内报告进展', answer: null, isLate: false, urgedBy: '王强' })]);

    const inbox = (await ctx.app.inject({ method: 'GET', url: '/api/urges?box=received', headers: { cookie: cookies.mediator! } })).json();
    expect(inbox.items.map((u: { caseId: string }) => u.caseId)).toContain(id);
    const issued = (await ctx.app.inject({ method: 'GET', url: '/api/urges?box=issued', headers: { cookie: cookies.dispatcher! } })).json();
    expect(issued.items.map((u: { caseId: string }) => u.caseId)).toContain(id);

    const answered = (await send('mediator', id, { action: 'answer_urge', note: '已约双方当事人本周五调解' })).json();
    expect(answered.urges[0]).toMatchObject({ answer: '已约双方当事人本周五调解', isLate: false });
    expect(answered.allowedActions).not.toContain('answer_urge');
    expect(answered.timeline.slice(-2).map((e: { action: string }) => e.action)).toEqual(['urge', 'answer_urge']);
    const after = (await ctx.app.inject({ method: 'GET', url: '/api/urges?box=received', headers: { cookie: cookies.mediator! } })).json();
    expect(after.items.map((u: { caseId: string }) => u.caseId)).not.toContain(id);
    expect((await send('mediator', id, { action: 'answer_urge', note: '再答' })).json().code).toBe('URGE_NOT_OPEN');
  });
});
