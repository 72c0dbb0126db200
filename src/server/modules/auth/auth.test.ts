import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

describe('sign-in', () => {
  it('sets an httpOnly SameSite session cookie and reports role, unit and permissions', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'dispatcher', password: 'fengqiao-demo' } });
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
    for (const payload of [{ username: 'dispatcher', password: 'wrong' }, { username: 'nobody', password: 'fengqiao-demo' }]) {
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

  it('stores only a hash of the session token', async () => {
    const cookie = await signIn(ctx.app, 'leader');
    const token = cookie.split('=')[1]!;
    const { rows } = await ctx.database.pool.query('select count(*)::int as n from sessions where token_hash = $1', [token]);
    expect(rows[0].n).toBe(0);
  });

  it('limits sign-in attempts per address', async () => {
    const { app, close } = await startTestApp({ env: { LOGIN_RATE_LIMIT: '3' } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x', password: 'y' } })).statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x', password: 'y' } });
      expect(res.json().code).toBe('AUTH_RATE_LIMITED');
    } finally {
      await close();
    }
  });
});

describe('the API contract', () => {
  it('publishes OpenAPI 3 with the agreed operation ids', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((p) => Object.values(p).map((o) => o.operationId));
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
