import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let ctx: TestContext;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  ctx = await startTestApp();
  for (const u of ['dispatcher', 'mediator']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

const newPhone = () => `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;

async function verify(phone = newPhone()) {
  const start = await ctx.app.inject({ method: 'POST', url: '/api/public/verifications', payload: { phone } });
  expect(start.statusCode, start.body).toBe(201);
  const code = ctx.sms.lastCode(phone);
  const confirm = await ctx.app.inject({
    method: 'POST',
    url: `/api/public/verifications/${start.json().verificationId}/confirm`,
    payload: { code },
  });
  expect(confirm.statusCode, confirm.body).toBe(200);
  return { phone, ticket: confirm.json().ticket as string };
}

const report = (overrides: Record<string, unknown> = {}) => ({
  kind: 'dispute',
  category: 'neighbourhood',
  name: '刘桂兰',
  narrative: `楼上邻居家漏水已经三个月，多次协商无果，墙面发霉。${randomUUID()}`,
  place: { address: '文苑街道东方社区7号楼', unitCode: '410871061001' },
  respondent: '楼上住户',
  ...overrides,
});

const file = (ticket: string | undefined, body: unknown, key = randomUUID()) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/public/reports',
    headers: { ...(ticket ? { 'x-portal-ticket': ticket } : {}), 'idempotency-key': key },
    payload: body as object,
  });

function multipart(name: string, content: Buffer, type: string) {
  const boundary = `----fq${randomUUID()}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const countByNarrative = async (narrative: string) =>
  (await ctx.database.pool.query('select count(*)::int as n from cases where narrative = $1', [narrative])).rows[0].n as number;

describe('phone verification', () => {
  it('sends a 6-digit code by SMS and gives a ticket for the right code only', async () => {
    const phone = newPhone();
    const start = await ctx.app.inject({ method: 'POST', url: '/api/public/verifications', payload: { phone } });
    expect(start.statusCode).toBe(201);
    const code = ctx.sms.lastCode(phone);
    // The demo (no SMS gateway) shows the code on screen; the message went through the gateway all the same.
    expect(start.json().demoCode).toBe(code);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const bad = await ctx.app.inject({
      method: 'POST',
      url: `/api/public/verifications/${start.json().verificationId}/confirm`,
      payload: { code: wrong },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VERIFICATION_CODE_INVALID', message: expect.stringContaining('验证码') });
    const good = await ctx.app.inject({
      method: 'POST',
      url: `/api/public/verifications/${start.json().verificationId}/confirm`,
      payload: { code },
    });
    expect(good.json()).toMatchObject({ maskedPhone: `${phone.slice(0, 3)}****${phone.slice(7)}` });
    // A code works once.
    const again = await ctx.app.inject({
      method: 'POST',
      url: `/api/public/verifications/${start.json().verificationId}/confirm`,
      payload: { code },
    });
    expect(again.statusCode).toBe(400);
    const { rows } = await ctx.database.pool.query('select code_hash, phone_enc from phone_verifications where id = $1', [
      start.json().verificationId,
    ]);
    expect(rows[0].code_hash).not.toContain(code);
    expect(rows[0].phone_enc.toString('latin1')).not.toContain(phone);
  });

  it('allows five tries per code and one code a minute per phone', async () => {
    const phone = newPhone();
    const start = (await ctx.app.inject({ method: 'POST', url: '/api/public/verifications', payload: { phone } })).json();
    const code = ctx.sms.lastCode(phone);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++)
      await ctx.app.inject({ method: 'POST', url: `/api/public/verifications/${start.verificationId}/confirm`, payload: { code: wrong } });
    const late = await ctx.app.inject({
      method: 'POST',
      url: `/api/public/verifications/${start.verificationId}/confirm`,
      payload: { code },
    });
    expect(late.statusCode).toBe(400);
    const resend = await ctx.app.inject({ method: 'POST', url: '/api/public/verifications', payload: { phone } });
    expect(resend.statusCode).toBe(429);
    expect(resend.json().code).toBe('VERIFICATION_TOO_FREQUENT');
    const badPhone = await ctx.app.inject({ method: 'POST', url: '/api/public/verifications', payload: { phone: '12345' } });
    expect(badPhone.json().code).toBe('MOBILE_INVALID');
    // A fixed line is a fine contact number, but no code can be texted to it.
    const landline = await ctx.app.inject({ method: 'POST', url: '/api/public/verifications', payload: { phone: '0391-1234567' } });
    expect(landline.json().code).toBe('MOBILE_INVALID');
  });
});

describe('portal report', () => {
  it('files a case on the online channel with the verified phone, once per submission', async () => {
    const { phone, ticket } = await verify();
    const body = report();
    const key = randomUUID();
    const res = await file(ticket, body, key);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'registered', trackingToken: expect.stringMatching(/^[0-9A-Z]{20}$/) });
    const twice = await file(ticket, body, key);
    expect(twice.statusCode).toBe(200);
    expect(twice.json().code).toBe(res.json().code);
    expect(await countByNarrative(body.narrative)).toBe(1);

    const detail = (
      await ctx.app.inject({ method: 'GET', url: `/api/cases?channel=online&pageSize=50`, headers: { cookie: cookies.dispatcher! } })
    ).json();
    const listed = detail.items.find((c: { code: string }) => c.code === res.json().code);
    expect(listed).toMatchObject({ channel: 'online', kind: 'dispute', status: 'registered' });
    const full = (await ctx.app.inject({ method: 'GET', url: `/api/cases/${listed.id}`, headers: { cookie: cookies.dispatcher! } })).json();
    expect(full.parties[0]).toMatchObject({ role: 'applicant', name: '刘桂兰', phone: `${phone.slice(0, 3)}****${phone.slice(7)}` });
    expect(full.unit.code).toBe('410871061001');
    const progress = await ctx.app.inject({ method: 'GET', url: `/api/public/progress/${res.json().trackingToken}` });
    expect(progress.json()).toMatchObject({ code: res.json().code, status: 'registered', canRate: false });
  });

  it('refuses without a verified phone, with the honeypot filled, and past five a day — changing nothing', async () => {
    const body = report();
    const none = await file(undefined, body);
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('PORTAL_TICKET_INVALID');
    const { ticket } = await verify();
    const robot = await file(ticket, { ...body, website: 'http://spam.example' });
    expect(robot.statusCode).toBe(400);
    expect(robot.json().code).toBe('SUBMISSION_REJECTED');
    expect(await countByNarrative(body.narrative)).toBe(0);
    const short = await file(ticket, report({ narrative: '太吵' }));
    expect(short.json().code).toBe('VALIDATION_FAILED');

    for (let i = 0; i < 5; i++) expect((await file(ticket, report())).statusCode).toBe(201);
    const sixth = await file(ticket, report());
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().code).toBe('PORTAL_DAILY_LIMIT');
  });

  it('takes photos from the phone that filed, checks their bytes, and stops at six', async () => {
    const { ticket } = await verify();
    const filed = (await file(ticket, report())).json();
    const url = `/api/public/reports/${filed.trackingToken}/photos`;
    const send = (content: Buffer, name: string, t = ticket) => {
      const m = multipart(name, content, 'image/png');
      return ctx.app.inject({ method: 'POST', url, headers: { 'x-portal-ticket': t, ...m.headers }, payload: m.payload });
    };
    const photo = await send(PNG, '现场.png');
    expect(photo.statusCode, photo.body).toBe(201);
    expect(photo.json()).toMatchObject({ kind: 'photo', mimeType: 'image/png' });
    const fake = await send(Buffer.from('<html>not an image</html>'), 'fake.png');
    expect(fake.statusCode).toBe(415);
    const stranger = await verify();
    expect((await send(PNG, 'x.png', stranger.ticket)).statusCode).toBe(404);
    // Different bytes each time (the same bytes twice are kept once).
    const variants = Array.from({ length: 6 }, (_, i) => Buffer.concat([PNG, Buffer.from([i])]));
    const codes: number[] = [];
    for (const v of variants) codes.push((await send(v, 'p.png')).statusCode);
    expect(codes).toEqual([201, 201, 201, 201, 201, 400]);
  });
});

describe('per-IP limit', () => {
  it('answers 429 RATE_LIMITED past the configured number of portal requests a minute', async () => {
    const limited = await startTestApp({ env: { PORTAL_RATE_LIMIT: '2' } });
    try {
      const codes: number[] = [];
      // An address of its own: the counters are shared by every app of the test run, as by every instance.
      const remoteAddress = `10.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
      for (let i = 0; i < 3; i++)
        codes.push(
          (await limited.app.inject({ method: 'POST', url: '/api/public/verifications', remoteAddress, payload: { phone: newPhone() } }))
            .statusCode,
        );
      expect(codes).toEqual([201, 201, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('rating by tracking token', () => {
  async function concludedPortalCase() {
    const { ticket } = await verify();
    const filed = (await file(ticket, report())).json();
    const { rows } = await ctx.database.pool.query('select id from cases where code = $1', [filed.code]);
    const id = rows[0].id as string;
    const sfs = (await ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
    const as = (who: string) => ({ cookie: cookies[who]!, readerCookie: cookies.dispatcher! });
    const early = await ctx.app.inject({
      method: 'POST',
      url: `/api/public/progress/${filed.trackingToken}/rating`,
      payload: { satisfaction: 'satisfied' },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('RATING_NOT_OPEN');
    await actOnCaseOk(ctx.app, as('dispatcher'), id, { action: 'accept' });
    await actOnCaseOk(ctx.app, as('dispatcher'), id, { action: 'dispatch', leadUnitId: sfs });
    await actOnCaseOk(ctx.app, as('mediator'), id, { action: 'start' });
    await actOnCaseOk(ctx.app, as('mediator'), id, { action: 'conclude', outcome: 'agreement', note: '双方达成维修协议' });
    return { id, token: filed.trackingToken as string };
  }

  it('is the follow-up of a concluded case: 满意 closes it, a second rating is refused', async () => {
    const { token } = await concludedPortalCase();
    expect((await ctx.app.inject({ method: 'GET', url: `/api/public/progress/${token}` })).json().canRate).toBe(true);
    const rated = await ctx.app.inject({
      method: 'POST',
      url: `/api/public/progress/${token}/rating`,
      payload: { satisfaction: 'satisfied', comment: '处理及时' },
    });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json().status).toBe('followed_up');
    const progress = (await ctx.app.inject({ method: 'GET', url: `/api/public/progress/${token}` })).json();
    expect(progress).toMatchObject({ canRate: false, satisfaction: 'satisfied' });
    expect(
      (await ctx.app.inject({ method: 'POST', url: `/api/public/progress/${token}/rating`, payload: { satisfaction: 'dissatisfied' } }))
        .statusCode,
    ).toBe(409);
  });

  it('不满意 reopens the case', async () => {
    const { id, token } = await concludedPortalCase();
    const rated = await ctx.app.inject({
      method: 'POST',
      url: `/api/public/progress/${token}/rating`,
      payload: { satisfaction: 'dissatisfied', comment: '漏水仍未修好' },
    });
    expect(rated.json().status).toBe('in_progress');
    const detail = (await ctx.app.inject({ method: 'GET', url: `/api/cases/${id}`, headers: { cookie: cookies.dispatcher! } })).json();
    expect(detail.timeline.slice(-2).map((e: { action: string }) => e.action)).toEqual(['follow_up', 'reopen']);
  });
});

describe('asking for a counsellor on the portal', () => {
  it('needs a verified phone, becomes one waiting service however often it is sent, and tells the counsellors without the words', async () => {
    const body = { name: '小周', reason: `最近总是失眠，心里很乱${randomUUID().slice(0, 6)}` };
    const noTicket = await ctx.app.inject({ method: 'POST', url: '/api/public/counselling-requests', payload: body });
    expect(noTicket.statusCode).toBe(401);
    const { ticket } = await verify();
    const send = () =>
      ctx.app.inject({ method: 'POST', url: '/api/public/counselling-requests', headers: { 'x-portal-ticket': ticket }, payload: body });
    expect((await send()).statusCode).toBe(201);
    expect((await send()).statusCode).toBe(201);
    const counsellor = await signIn(ctx.app, 'counsellor');
    const list = (await ctx.app.inject({ method: 'GET', url: '/api/counselling/services', headers: { cookie: counsellor } })).json().items;
    const mine = list.filter((s: { personName: string; source: string }) => s.personName === '小周' && s.source === 'portal');
    expect(mine.length).toBeGreaterThanOrEqual(1);
    const detail = (
      await ctx.app.inject({ method: 'GET', url: `/api/counselling/services/${mine[0].id}`, headers: { cookie: counsellor } })
    ).json();
    expect(detail.reason).toBe(body.reason);
    // Sent twice: one service for this phone's person.
    const same = await ctx.database.pool.query(
      `select count(*)::int n from counselling_services where source = 'portal' and person_id = (select person_id from counselling_services where id = $1)`,
      [mine[0].id],
    );
    expect(same.rows[0].n).toBe(1);
    const { rows } = await ctx.database.pool.query(`select body from outbox where dedupe_key like $1`, [
      `counselling-request:${mine[0].id}:%`,
    ]);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.every((r) => !r.body.includes('失眠'))).toBe(true);
    const raw = await ctx.database.pool.query(`select * from counselling_services where id = $1`, [mine[0].id]);
    expect(JSON.stringify(raw.rows[0])).not.toContain('失眠');
  });
});
