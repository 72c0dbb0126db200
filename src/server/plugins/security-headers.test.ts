import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaseBody } from '../modules/cases/cases.factory.js';
import { WEB_ENTRIES } from '../../shared/web-entries.js';
import { signIn, startTestApp, type TestContext } from '../../../test/support/app.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  // A stand-in for the built UI, so the page's own headers are checked without a build.
  const webRoot = mkdtempSync(join(tmpdir(), 'fengqiao-web-'));
  for (const name of ['index', ...WEB_ENTRIES.map((e) => e.name)])
    writeFileSync(join(webRoot, `${name}.html`), '<!doctype html><title>枫桥</title>');
  ctx = await startTestApp({ withWeb: webRoot });
  for (const u of ['reception', 'dispatcher']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

function expectSecurityHeaders(headers: Record<string, unknown>) {
  const csp = String(headers['content-security-policy']);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).not.toContain('upgrade-insecure-requests');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
  expect(headers['x-frame-options']).toBe('DENY');
}

describe('security headers', () => {
  it('are on the page and on API answers, and API answers are never cached', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: '/cases' });
    expect(page.headers['content-type']).toContain('text/html');
    expectSecurityHeaders(page.headers);
    const api = await ctx.app.inject({ method: 'GET', url: '/api/health' });
    expectSecurityHeaders(api.headers);
    expect(api.headers['cache-control']).toBe('no-store');
    const refused = await ctx.app.inject({ method: 'GET', url: '/api/cases' });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it('keep revealed ID numbers and phones, attachments and exports out of caches', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception!, 'idempotency-key': crypto.randomUUID() },
      payload: buildCaseBody(),
    });
    const { id, parties } = created.json();
    const reveal = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${id}/parties/${parties[0].id}/reveal`,
      headers: { cookie: cookies.dispatcher! },
      payload: { field: 'idNumber', purpose: '核对身份' },
    });
    expect(reveal.statusCode).toBe(200);
    expect(reveal.headers['cache-control']).toBe('no-store');
    const exported = await ctx.app.inject({
      method: 'GET',
      url: '/api/cases/export.xlsx?withParties=true',
      headers: { cookie: cookies.dispatcher! },
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['cache-control']).toBe('no-store');
    expectSecurityHeaders(exported.headers);
  });
});
