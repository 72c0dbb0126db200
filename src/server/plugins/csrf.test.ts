import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaseBody } from '../modules/cases/cases.factory.js';
import { signIn, startTestApp, type TestContext } from '../../../test/support/app.js';

let ctx: TestContext;
let admin = '';
let apiKey = '';

beforeAll(async () => {
  ctx = await startTestApp();
  admin = await signIn(ctx.app, 'admin');
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/admin/api-clients',
    headers: { cookie: admin },
    payload: { name: '跨站测试接入系统', channels: ['online', 'phone'] },
  });
  apiKey = created.json().apiKey;
});
afterAll(() => ctx.close());

async function newClient() {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/admin/api-clients',
    headers: { cookie: admin },
    payload: { name: `被攻击的接入系统 ${crypto.randomUUID()}`, channels: ['phone'] },
  });
  return res.json().client.id as string;
}
const isRevoked = async (id: string) =>
  (await ctx.database.pool.query('select revoked_at from api_clients where id = $1', [id])).rows[0].revoked_at !== null;

describe('cross-site requests', () => {
  it('refuse the cross-site text/plain POST of issue 14 (revoking an API key with the admin’s cookie)', async () => {
    const id = await newClient();
    for (const headers of [
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site', origin: 'https://other.fq.example.gov.cn' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ]) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/admin/api-clients/${id}/revoke`,
        headers: { cookie: admin, 'content-type': 'text/plain', ...headers },
        payload: 'x',
      });
      expect([JSON.stringify(headers), res.statusCode, res.json().code]).toEqual([JSON.stringify(headers), 403, 'CSRF_REJECTED']);
    }
    expect(await isRevoked(id)).toBe(false);
  });

  it('refuse a cross-site sign-in and sign-out', async () => {
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'sec-fetch-site': 'cross-site' },
      payload: { username: 'admin', password: 'fengqiao-demo' },
    });
    expect(login.json().code).toBe('CSRF_REJECTED');
    const logout = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: admin, origin: 'https://evil.example' },
    });
    expect(logout.json().code).toBe('CSRF_REJECTED');
    expect((await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: admin } })).statusCode).toBe(200);
  });

  it('let the platform’s own pages through, by Sec-Fetch-Site or by an Origin naming this host', async () => {
    const id = await newClient();
    const bySite = await ctx.app.inject({
      method: 'POST',
      url: `/api/admin/api-clients/${id}/rotate`,
      headers: { cookie: admin, 'sec-fetch-site': 'same-origin', origin: 'http://localhost:80' },
    });
    expect(bySite.statusCode, bySite.body).toBe(200);
    const byOrigin = await ctx.app.inject({
      method: 'POST',
      url: `/api/admin/api-clients/${id}/revoke`,
      headers: { cookie: admin, host: 'fq.example.gov.cn', origin: 'https://fq.example.gov.cn' },
    });
    expect(byOrigin.statusCode, byOrigin.body).toBe(200);
  });

  it('let other systems through without Origin, and keep key- and signature-authenticated routes open to any origin', async () => {
    const crossSite = { 'sec-fetch-site': 'cross-site', origin: 'https://apps.example' };
    const transfer = await ctx.app.inject({
      method: 'POST',
      url: '/api/transfer/cases',
      headers: { authorization: `Bearer ${apiKey}`, ...crossSite },
      payload: { ...buildCaseBody({ channel: 'phone' }), externalRef: `csrf-${crypto.randomUUID()}` },
    });
    expect(transfer.statusCode, transfer.body).toBe(201);
    const open311 = await ctx.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...crossSite },
      payload: new URLSearchParams({
        api_key: apiKey,
        service_code: 'neighbourhood',
        address_string: '文苑街道东方社区',
        description: `楼上漏水 ${crypto.randomUUID()}`,
      }).toString(),
    });
    expect(open311.statusCode, open311.body).toBe(201);
    const body = JSON.stringify({ cameraCode: 'NO-SUCH-CAMERA' });
    const timestamp = Math.floor(Date.now() / 1000);
    const camera = await ctx.app.inject({
      method: 'POST',
      url: '/api/integrations/cameras/heartbeats',
      headers: {
        'content-type': 'application/json',
        'x-fengqiao-client': 'x',
        'x-fengqiao-timestamp': String(timestamp),
        'x-fengqiao-signature': `sha256=${createHmac('sha256', 'x').update(`${timestamp}.${body}`).digest('hex')}`,
        ...crossSite,
      },
      payload: body,
    });
    expect(camera.json().code).not.toBe('CSRF_REJECTED');
    const noBrowser = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'leader', password: 'fengqiao-demo' },
    });
    expect(noBrowser.statusCode).toBe(200);
  });
});
