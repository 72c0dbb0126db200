import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestContext } from '../../../../test/support/app.js';
import { uniquePhone } from '../../../../test/support/identities.js';
import { caseInMediationWithPhones, scheduleSessionFor, startOnline, textedLinks } from '../../../../test/support/online.js';

let ctx: TestContext;
let base: string;
beforeAll(async () => {
  ctx = await startTestApp({ env: { PUBLIC_BASE_URL: 'https://fq.example.gov.cn' } });
  base = (await ctx.app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws');
});
afterAll(() => ctx.close());

type Case = Awaited<ReturnType<typeof caseInMediationWithPhones>>;
const tokenOf = (path: string) => path.split('/').pop()!;

function invite(c: Case, sessionId: string, payload: object, cookie = c.cookies.mediator) {
  return ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/sessions/${sessionId}/invitees`, headers: { cookie }, payload });
}

/** Asks for the SMS code of a link, as the phone page does: the verification's id. */
async function requestCode(link: string): Promise<string> {
  const code = await ctx.app.inject({ method: 'POST', url: `/api/public/online/links/${link}/code` });
  expect(code.statusCode, code.body).toBe(201);
  return code.json().verificationId;
}

/** Joins with the link and the code the log SMS driver sent to `phone`. */
async function join(sessionId: string, link: string, phone: string, verificationId: string) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/public/online/sessions/${sessionId}/join`,
    payload: { link, verificationId, code: ctx.sms.lastCode(phone), rightsAccepted: true, recordingConsent: true },
  });
}

/** A signalling socket; resolves with the welcome (the server has written the join by then). */
function connect(sessionId: string, token: string) {
  const ws = new WebSocket(`${base}/api/public/online/sessions/${sessionId}/signal?token=${encodeURIComponent(token)}`);
  const welcome = new Promise<{ self: { kind: string; name: string } }>((resolve, reject) => {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.type === 'welcome') resolve(m);
    });
    ws.on('close', (code) => reject(new Error(`closed ${code}`)));
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return { ws, welcome, closed };
}

describe('online sessions: an interpreter or lawyer invited by the mediator', () => {
  it('the interpreter gets a link on their own phone, joins with the code sent to it, and is on the session record in their role', async () => {
    const c = await caseInMediationWithPhones(ctx);
    const sessionId = await scheduleSessionFor(ctx, c);
    const mediator = await startOnline(ctx, c, sessionId);
    const phone = uniquePhone();
    const invited = await invite(c, sessionId, { name: '阿依古丽', role: 'interpreter', phone });
    expect(invited.statusCode, invited.body).toBe(201);
    expect(invited.json()).toMatchObject({ name: '阿依古丽', role: 'interpreter', joined: false });
    expect(invited.json().maskedPhone).not.toContain(phone.slice(3, 7));
    // Kept like every phone: encrypted, found again by its keyed hash only.
    const stored = (await ctx.database.pool.query(`select phone_enc, phone_hash from online_invitees where id = $1`, [invited.json().id]))
      .rows[0];
    expect(stored.phone_enc.toString('latin1')).not.toContain(phone);
    expect(stored.phone_hash).not.toContain(phone);

    const [path] = await textedLinks(ctx, c.id, phone);
    expect(path).toBe(`/online/join/${sessionId}/${tokenOf(path!)}`);
    const info = await ctx.app.inject({ method: 'GET', url: `/api/public/online/links/${tokenOf(path!)}` });
    expect(info.json()).toMatchObject({ purpose: 'join', session: { id: sessionId } });
    // The code goes to the interpreter's phone: a wrong code, or no rights notice accepted, does not open it.
    const verificationId = await requestCode(tokenOf(path!));
    expect(ctx.sms.lastCode(phone)).toMatch(/^\d{6}$/);
    const refused = await ctx.app.inject({
      method: 'POST',
      url: `/api/public/online/sessions/${sessionId}/join`,
      payload: {
        link: tokenOf(path!),
        verificationId,
        code: ctx.sms.lastCode(phone) === '000000' ? '000001' : '000000',
        rightsAccepted: true,
        recordingConsent: true,
      },
    });
    expect(refused.json().code).toBe('VERIFICATION_CODE_INVALID');
    const noRights = await ctx.app.inject({
      method: 'POST',
      url: `/api/public/online/sessions/${sessionId}/join`,
      payload: {
        link: tokenOf(path!),
        verificationId,
        code: ctx.sms.lastCode(phone),
        rightsAccepted: false,
        recordingConsent: true,
      },
    });
    expect(noRights.json().code).toBe('ONLINE_RIGHTS_NOT_ACCEPTED');

    const joined = await join(sessionId, tokenOf(path!), phone, verificationId);
    expect(joined.statusCode, joined.body).toBe(200);
    const m = connect(sessionId, mediator.participantToken);
    await m.welcome;
    const i = connect(sessionId, joined.json().participantToken);
    expect((await i.welcome).self).toMatchObject({ kind: 'interpreter', name: '阿依古丽' });

    const list = await ctx.app.inject({
      method: 'GET',
      url: `/api/cases/${c.id}/sessions/${sessionId}/invitees`,
      headers: { cookie: c.cookies.mediator },
    });
    expect(list.json()).toMatchObject({ max: 4, places: 0, invitees: [{ name: '阿依古丽', role: 'interpreter', joined: true }] });

    const end = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${c.id}/sessions/${sessionId}/online/end`,
      headers: { cookie: c.cookies.mediator },
    });
    expect(end.statusCode, end.body).toBe(204);
    await i.closed;
    const sessions = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}/sessions`, headers: { cookie: c.cookies.mediator } });
    const online = sessions.json().find((s: { id: string }) => s.id === sessionId).online;
    const interpreter = online.participants.find((p: { kind: string }) => p.kind === 'interpreter');
    expect(interpreter).toMatchObject({ name: '阿依古丽（翻译）' });
    expect(interpreter.joinedAt).not.toBeNull();
    expect(interpreter.leftAt).not.toBeNull();
    const detail = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: c.cookies.mediator } });
    const ended = detail.json().timeline.find((e: { action: string }) => e.action === 'online_session_ended');
    expect(ended.reason).toMatch(/阿依古丽（翻译） .+进入、.+离开/);
    const invitedEvent = detail.json().timeline.find((e: { action: string }) => e.action === 'online_invitee_invited');
    expect(invitedEvent.reason).toContain('阿依古丽（翻译）');
    expect(invitedEvent.reason).not.toContain(phone);
  });

  it('a fifth participant is refused; the same phone twice and a number that is not a mobile are refused', async () => {
    const c = await caseInMediationWithPhones(ctx);
    const sessionId = await scheduleSessionFor(ctx, c); // the mediator and both parties: three
    const phone = uniquePhone();
    expect((await invite(c, sessionId, { name: '周律', role: 'agent', phone })).statusCode).toBe(201);
    const again = await invite(c, sessionId, { name: '周律', role: 'agent', phone });
    expect(again.statusCode).toBe(409);
    const fifth = await invite(c, sessionId, { name: '钱译', role: 'interpreter', phone: uniquePhone() });
    expect(fifth.statusCode).toBe(409);
    expect(fifth.json().code).toBe('ONLINE_INVITE_FULL');
    expect(fifth.json().message).toContain('最多四人');
    const fixedLine = await invite(c, sessionId, { name: '孙律', role: 'agent', phone: '0391-1234567' });
    expect(fixedLine.statusCode).toBe(400);
    expect(
      (await ctx.database.pool.query(`select count(*)::int as n from online_invitees where session_id = $1`, [sessionId])).rows[0].n,
    ).toBe(1);
  });

  it('only the mediator may invite: the dispatcher who sees the case and the reception clerk are refused', async () => {
    const c = await caseInMediationWithPhones(ctx);
    const sessionId = await scheduleSessionFor(ctx, c);
    const byDispatcher = await invite(c, sessionId, { name: '钱译', role: 'interpreter', phone: uniquePhone() }, c.cookies.dispatcher);
    expect(byDispatcher.statusCode).toBe(403);
    expect(byDispatcher.json().code).toBe('CASE_ACTION_FORBIDDEN');
    const byReception = await invite(c, sessionId, { name: '钱译', role: 'interpreter', phone: uniquePhone() }, c.cookies.reception);
    expect([403, 404]).toContain(byReception.statusCode);
    expect((await ctx.database.pool.query(`select 1 from online_invitees where session_id = $1`, [sessionId])).rowCount).toBe(0);
  });

  it('an interpreter’s link does not join another session of the same case', async () => {
    const c = await caseInMediationWithPhones(ctx);
    const a = await scheduleSessionFor(ctx, c);
    const b = await scheduleSessionFor(ctx, c);
    await startOnline(ctx, c, a);
    await startOnline(ctx, c, b);
    const phone = uniquePhone();
    expect((await invite(c, a, { name: '钱译', role: 'interpreter', phone })).statusCode).toBe(201);
    const [path] = await textedLinks(ctx, c.id, phone);
    const verificationId = await requestCode(tokenOf(path!));
    const crossed = await join(b, tokenOf(path!), phone, verificationId);
    expect(crossed.statusCode).toBe(404);
    expect(crossed.json().code).toBe('ONLINE_LINK_INVALID');
    // Its own session it does join.
    expect((await join(a, tokenOf(path!), phone, verificationId)).statusCode).toBe(200);
  });
});
