import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestContext } from '../../../../test/support/app.js';
import { caseInMediationWithPhones, scheduleSessionFor, startOnline, textedLinks } from '../../../../test/support/online.js';
import { iceServersFor } from './online-sessions.js';

let ctx: TestContext;
let base: string;
beforeAll(async () => {
  ctx = await startTestApp({ env: { PUBLIC_BASE_URL: 'https://fq.example.gov.cn' } });
  base = (await ctx.app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws');
});
afterAll(() => ctx.close());

/** The close code a signalling WebSocket gets, with the messages it saw first. */
function connect(sessionId: string, token: string) {
  const ws = new WebSocket(`${base}/api/public/online/sessions/${sessionId}/signal?token=${encodeURIComponent(token)}`);
  const messages: { type: string; [k: string]: unknown }[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const next = (type: string) =>
    new Promise<{ type: string; [k: string]: unknown }>((resolve, reject) => {
      const seen = messages.find((m) => m.type === type);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => reject(new Error(`no ${type}: ${JSON.stringify(messages)}`)), 5000);
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.type !== type) return;
        clearTimeout(timer);
        resolve(m);
      });
    });
  return { ws, messages, closed, next };
}

/** A party joins with the link texted to their phone and the code sent to it. */
async function join(sessionId: string, link: string, phone: string, recordingConsent = true) {
  const code = await ctx.app.inject({ method: 'POST', url: `/api/public/online/links/${link}/code` });
  return ctx.app.inject({
    method: 'POST',
    url: `/api/public/online/sessions/${sessionId}/join`,
    payload: { link, verificationId: code.json().verificationId, code: ctx.sms.lastCode(phone), rightsAccepted: true, recordingConsent },
  });
}
const tokenOf = (path: string) => path.split('/').pop()!;

describe('online sessions: links, tokens, signalling', () => {
  it('a party joins by link + code, waits, is admitted, signals the mediator; join and leave times are on the record', async () => {
    const c = await caseInMediationWithPhones(ctx);
    const sessionId = await scheduleSessionFor(ctx, c);
    const mediator = await startOnline(ctx, c, sessionId);
    expect(mediator.links.map((l) => l.sent)).toEqual([true, true]);
    const [path] = await textedLinks(ctx, c.id, c.phones[0]);
    expect(path).toBe(`/online/join/${sessionId}/${tokenOf(path!)}`);

    const m = connect(sessionId, mediator.participantToken);
    expect((await m.next('welcome')).self).toMatchObject({ kind: 'mediator', state: 'admitted' });
    const joined = await join(sessionId, tokenOf(path!), c.phones[0], false);
    expect(joined.statusCode, joined.body).toBe(200);
    expect(joined.json().iceServers).toEqual([]); // no TURN configured: LAN only
    const p = connect(sessionId, joined.json().participantToken);
    expect((await p.next('welcome')).self).toMatchObject({ kind: 'party', state: 'waiting' });
    // Waiting: its signals reach nobody.
    p.ws.send(JSON.stringify({ type: 'signal', to: mediator.participantId, data: { sdp: 'x' } }));
    m.ws.send(JSON.stringify({ type: 'admit', participantId: joined.json().participantId }));
    await p.next('admitted');
    expect((await p.next('peers')).ids).toEqual([mediator.participantId]);
    p.ws.send(JSON.stringify({ type: 'signal', to: mediator.participantId, data: { sdp: 'offer' } }));
    expect(await m.next('signal')).toMatchObject({ from: joined.json().participantId, data: { sdp: 'offer' } });
    expect(m.messages.filter((x) => x.type === 'signal')).toHaveLength(1); // the one sent while waiting was dropped
    // The link is spent: a second join with it is refused.
    expect((await ctx.app.inject({ method: 'POST', url: `/api/public/online/links/${tokenOf(path!)}/code` })).json().code).toBe(
      'ONLINE_LINK_INVALID',
    );

    p.ws.close();
    await p.closed;
    await expect
      .poll(
        async () =>
          (await ctx.database.pool.query(`select left_at from online_participants where id = $1`, [joined.json().participantId])).rows[0]
            .left_at,
      )
      .not.toBeNull();
    const end = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${c.id}/sessions/${sessionId}/online/end`,
      headers: { cookie: c.cookies.mediator },
    });
    expect(end.statusCode, end.body).toBe(204);
    expect(await m.closed).toBe(4000);
    const sessions = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}/sessions`, headers: { cookie: c.cookies.mediator } });
    const online = sessions.json().find((s: { id: string }) => s.id === sessionId).online;
    expect(online.endedAt).not.toBeNull();
    expect(online.recordingNote).toContain('不同意录音录像');
    expect(
      online.participants.map((x: { kind: string; joinedAt: string | null; leftAt: string | null }) => [x.kind, !!x.joinedAt, !!x.leftAt]),
    ).toEqual([
      ['mediator', true, true],
      ['party', true, true],
    ]);
    const detail = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: c.cookies.mediator } });
    const ended = detail.json().timeline.find((e: { action: string }) => e.action === 'online_session_ended');
    expect(ended.reason).toMatch(/冯建设 .+进入、.+离开/);
    // After the end: the mediator's token no longer connects.
    expect(await connect(sessionId, mediator.participantToken).closed).toBe(4401);
  });

  it('a link of session A cannot join session B; an expired link is refused; a non-participant’s WebSocket is closed with a code', async () => {
    const c = await caseInMediationWithPhones(ctx);
    const a = await scheduleSessionFor(ctx, c);
    const b = await scheduleSessionFor(ctx, c);
    const mediatorA = await startOnline(ctx, c, a);
    await startOnline(ctx, c, b);
    const links = await textedLinks(ctx, c.id, c.phones[0]);
    const linkA = tokenOf(links.find((l) => l.includes(a))!);
    const linkB = tokenOf(links.find((l) => l.includes(b))!);

    const crossed = await join(b, linkA, c.phones[0]);
    expect(crossed.statusCode).toBe(404);
    expect(crossed.json().code).toBe('ONLINE_LINK_INVALID');

    await ctx.database.pool.query(`update online_links set expires_at = now() - interval '1 second' where subject_id = $1`, [b]);
    const expired = await ctx.app.inject({
      method: 'POST',
      url: `/api/public/online/sessions/${b}/join`,
      payload: { link: linkB, verificationId: crypto.randomUUID(), code: '123456', rightsAccepted: true, recordingConsent: true },
    });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().code).toBe('ONLINE_LINK_EXPIRED');

    // Signalling answers only the session's participants.
    expect(await connect(a, 'not-a-token-of-anyone-at-all').closed).toBe(4401);
    expect(await connect(b, mediatorA.participantToken).closed).toBe(4403);
    const plain = await ctx.app.inject({ method: 'GET', url: `/api/public/online/sessions/${a}/signal` });
    expect(plain.statusCode).toBe(426);
    expect(plain.json().code).toBe('WEBSOCKET_REQUIRED');
  });

  it('TURN credentials are coturn’s time-limited ones when TURN_URLS and TURN_SECRET are set', () => {
    const expires = new Date('2030-01-01T00:00:00Z');
    const [server] = iceServersFor(
      { TURN_URLS: ['turn:turn.example.gov.cn:3478'], TURN_SECRET: 'a-shared-secret-of-coturn' },
      'p1',
      expires,
    );
    expect(server).toMatchObject({ urls: ['turn:turn.example.gov.cn:3478'], username: `${expires.getTime() / 1000}:p1` });
    expect(server!.credential).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });
});
