import { randomInt, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { users } from '../../db/schema.js';
import { hashToken } from '../../plugins/auth.js';
import { signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

describe('sign-in', () => {
  it('sets an httpOnly SameSite session cookie and reports role, unit and permissions', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'dispatcher', password: 'fengqiao-demo' },
    });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'fq_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(res.json()).toMatchObject({ username: 'dispatcher', role: 'dispatcher', unit: { code: '410871' } });
    expect(res.json().permissions).toContain('case.dispatchBoard');
    const me = await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `fq_session=${cookie.value}` } });
    expect(me.json().username).toBe('dispatcher');
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    for (const payload of [
      { username: 'dispatcher', password: 'wrong' },
      { username: 'nobody', password: 'fengqiao-demo' },
    ]) {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ code: 'AUTH_INVALID_CREDENTIALS', message: '用户名或密码错误' });
    }
  });

  it('ends the session on sign-out', async () => {
    const cookie = await signIn(ctx.app, 'leader');
    expect((await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })).statusCode).toBe(204);
    const after = await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('refuses a session removed or a user disabled in the database, once the session is read again', async () => {
    // Signed-in requests trust a session read in the last SESSION_RECHECK_MS (plugins/auth.ts); then it is read again.
    const me = (cookie: string) => ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    const removed = await signIn(ctx.app, 'leader');
    expect((await me(removed)).statusCode).toBe(200);
    await ctx.database.pool.query('delete from sessions where token_hash = $1', [hashToken(removed.split('=')[1]!)]);
    await vi.waitFor(async () => expect((await me(removed)).statusCode).toBe(401), { timeout: 10_000, interval: 200 });

    // A user of this test's own (the seeded ones sign in from other test files at the same time): the mediator's copy.
    const username = `m-${randomUUID().slice(0, 8)}`;
    await ctx.database.pool.query(
      `insert into users (district_code, username, display_name, password_hash, role, unit_id)
       select district_code, $1, display_name, password_hash, role, unit_id from users where username = 'mediator'`,
      [username],
    );
    const disabled = await signIn(ctx.app, username);
    expect((await me(disabled)).statusCode).toBe(200);
    await ctx.database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.username, username));
    await vi.waitFor(async () => expect((await me(disabled)).statusCode).toBe(401), { timeout: 10_000, interval: 200 });
  });

  it('stores only a hash of the session token', async () => {
    const cookie = await signIn(ctx.app, 'leader');
    const token = cookie.split('=')[1]!;
    const { rows } = await ctx.database.pool.query('select count(*)::int as n from sessions where token_hash = $1', [token]);
    expect(rows[0].n).toBe(0);
  });
});

describe('sign-in limits (issue 14)', () => {
  // Each test sends from an address of its own: the counters are shared by every app of the run, as by every instance.
  const newAddress = () => `10.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
  const attempt = (
    app: TestContext['app'],
    remoteAddress: string,
    username: string,
    password: string,
    headers: Record<string, string> = {},
  ) => app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, headers, payload: { username, password } });

  it('answers the 11th wrong password from one address with 429, whatever X-Forwarded-For it claims', async () => {
    const { app, close } = await startTestApp({ env: { LOGIN_RATE_LIMIT: '10', LOGIN_ACCOUNT_LIMIT: '100' } });
    try {
      const address = newAddress();
      const codes: number[] = [];
      for (let i = 1; i <= 11; i++)
        codes.push((await attempt(app, address, `nobody-${randomUUID()}`, 'wrong', { 'x-forwarded-for': `203.0.113.${i}` })).statusCode);
      expect(codes).toEqual([...Array(10).fill(401), 429]);
      const refused = await attempt(app, address, 'admin', 'fengqiao-demo');
      expect([refused.statusCode, refused.json().code]).toEqual([429, 'AUTH_RATE_LIMITED']);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await close();
    }
  });

  it('believes X-Forwarded-For only from the proxies TRUST_PROXY names, and then counts each client apart', async () => {
    const { app, close } = await startTestApp({ env: { LOGIN_RATE_LIMIT: '3', LOGIN_ACCOUNT_LIMIT: '100', TRUST_PROXY: '10.0.0.0/8' } });
    try {
      const proxy = newAddress();
      const codes: number[] = [];
      for (let i = 1; i <= 6; i++)
        codes.push((await attempt(app, proxy, `nobody-${randomUUID()}`, 'wrong', { 'x-forwarded-for': `198.51.100.${i}` })).statusCode);
      expect(codes).toEqual(Array(6).fill(401));
      // One client behind the proxy is limited as itself.
      const one: number[] = [];
      for (let i = 0; i < 4; i++)
        one.push((await attempt(app, proxy, `nobody-${randomUUID()}`, 'wrong', { 'x-forwarded-for': '198.51.100.77' })).statusCode);
      expect(one).toEqual([401, 401, 401, 429]);
    } finally {
      await close();
    }
  });

  it('makes an account wait after repeated failures, from any address, even with the right password', async () => {
    const { app, database, close } = await startTestApp({ env: { LOGIN_ACCOUNT_LIMIT: '5', TRUST_PROXY: '10.0.0.0/8' } });
    try {
      // A staff account of this test's own (a copy of the leader, same password), so no other test meets its lock.
      const [leader] = await database.db.select().from(users).where(eq(users.username, 'leader'));
      const username = `leader-${randomUUID().slice(0, 8)}`;
      await database.db.insert(users).values({ ...leader!, id: randomUUID(), username });
      const codes: number[] = [];
      for (let i = 1; i <= 5; i++) codes.push((await attempt(app, newAddress(), username, `guess-${i}`)).statusCode);
      expect(codes).toEqual(Array(5).fill(401));
      const right = await attempt(app, newAddress(), username, 'fengqiao-demo');
      expect([right.statusCode, right.json().code]).toEqual([429, 'AUTH_RATE_LIMITED']);
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
      // Once the wait is over (moved into the past here instead of sleeping), the right password signs in.
      await database.pool.query(`update rate_limit_counters set reset_at = now() - interval '1 second' where key like $1`, [
        `%login-lock:${username}`,
      ]);
      const later = await attempt(app, newAddress(), username, 'fengqiao-demo');
      expect(later.statusCode, later.body).toBe(200);
      // …and clears the failures: one more wrong password does not lock again.
      expect((await attempt(app, newAddress(), username, 'wrong')).statusCode).toBe(401);
      expect((await attempt(app, newAddress(), username, 'fengqiao-demo')).statusCode).toBe(200);
    } finally {
      await close();
    }
  });
});

describe('the API contract', () => {
  it('publishes OpenAPI 3 with the agreed operation ids', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((p) =>
      Object.values(p).map((o) => o.operationId),
    );
    for (const id of ['createCase', 'listCases', 'getCase', 'actOnCase', 'getPublicProgress', 'login', 'logout']) expect(ids).toContain(id);
  });

  it('serves interactive docs and health', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/api/docs/' })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({ status: 'ok', database: 'ok' });
  });

  it('answers unknown API paths with a catalogue error and echoes a request id', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/nope', headers: { 'x-request-id': 'abc-123' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'NOT_FOUND', message: '请求的地址不存在' });
    expect(res.headers['x-request-id']).toBe('abc-123');
  });
});

describe('the session probe', () => {
  it('answers who is signed in, and signed out as null with 200 (no failed request on public pages)', async () => {
    const out = await ctx.app.inject({ method: 'GET', url: '/api/auth/session' });
    expect(out.statusCode).toBe(200);
    expect(out.json()).toEqual({ me: null });
    const cookie = await signIn(ctx.app, 'reception');
    const inside = await ctx.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } });
    expect(inside.json().me).toMatchObject({ username: 'reception', role: 'reception' });
  });
});
