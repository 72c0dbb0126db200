import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { buildCaseBody, SAMPLE_APPLICANT } from '../cases/cases.factory.js';

let ctx: TestContext;
let reception: string;
beforeAll(async () => {
  ctx = await startTestApp();
  reception = await signIn(ctx.app, 'reception');
});
afterAll(() => ctx.close());

describe('public progress by tracking token', () => {
  it('shows status, handling unit and dated steps, and no personal data of anyone', async () => {
    const c = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/cases',
        headers: { cookie: reception, 'idempotency-key': randomUUID() },
        payload: buildCaseBody({ parties: [SAMPLE_APPLICANT, { role: 'respondent', type: 'organization', name: '焦作某某装修有限公司' }] }),
      })
    ).json();
    await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${c.id}/actions`,
      headers: { cookie: reception },
      payload: { action: 'accept', expectedVersion: c.version },
    });
    const res = await ctx.app.inject({ method: 'GET', url: `/api/public/progress/${c.trackingToken}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ code: c.code, status: 'accepted', handlingUnit: '东方社区' });
    expect(body.steps.map((s: { action: string }) => s.action)).toEqual(['register', 'accept']);
    const text = res.body;
    for (const secret of [
      '张三',
      '11010519491231002X',
      '110105',
      '13812345678',
      '5678',
      '东方社区3号楼',
      '李娜',
      '装修有限公司',
      '拖欠工资共计',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('accepts the token in lower case with spaces, as people type it', async () => {
    const c = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/cases',
        headers: { cookie: reception, 'idempotency-key': randomUUID() },
        payload: buildCaseBody(),
      })
    ).json();
    const typed = `${c.trackingToken.slice(0, 5)} ${c.trackingToken.slice(5)}`.toLowerCase();
    const res = await ctx.app.inject({ method: 'GET', url: `/api/public/progress/${encodeURIComponent(typed)}` });
    expect(res.json().code).toBe(c.code);
  });

  it('answers an unknown token with a clear error', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/public/progress/AAAAAAAAAAAAAAAAAAAA' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'TRACKING_TOKEN_NOT_FOUND', message: '查询码无效，请核对回执上的查询码' });
  });
});
