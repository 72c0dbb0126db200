import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { shanghaiDate } from '../../../shared/calendar.js';
import {
  copyDatabase,
  createIsolatedDatabase,
  dropDatabase,
  signIn,
  startTestApp,
  type TestContext,
} from '../../../../test/support/app.js';
import { SharedComputations } from '../../lib/shared-computation.js';
import { buildCaseBody } from '../cases/cases.factory.js';

// The primary is a database of its own; DATABASE_READ_URL names a copy taken before the test registers anything — a
// stand-in for a streaming replica that has not caught up yet: the figures must come from it, the cases from the primary.
let ctx: TestContext;
let replicaUrl: string;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  const primaryUrl = await createIsolatedDatabase();
  replicaUrl = await copyDatabase(primaryUrl);
  ctx = await startTestApp({
    databaseUrl: primaryUrl,
    isolated: true,
    env: { DATABASE_READ_URL: replicaUrl, DASHBOARD_SHARE_SECONDS: '5' },
  });
  for (const u of ['reception', 'leader']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(async () => {
  await ctx.close();
  await dropDatabase(replicaUrl);
});

const today = shanghaiDate(new Date());
const cockpit = async () => {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/stats/cockpit?from=${today}&to=${today}`,
    headers: { cookie: cookies.leader! },
  });
  expect(res.statusCode).toBe(200);
  return res.json() as { counts: { received: number } };
};

describe('reads from a replica (DATABASE_READ_URL)', () => {
  it('counts figures on the read database and lists cases from the primary', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
      payload: buildCaseBody({ summary: '副本测试' }),
    });
    expect(res.statusCode).toBe(201);
    await ctx.settle();
    // On the primary: the case is listed and counted.
    const list = await ctx.app.inject({ method: 'GET', url: '/api/cases?pageSize=1', headers: { cookie: cookies.reception! } });
    expect(list.json().items[0].id).toBe(res.json().id);
    const { rows } = await ctx.database.pool.query<{ n: number }>(
      'select coalesce(sum(received), 0)::int as n from case_stats_units where grain = $1 and period = $2::date',
      ['day', today],
    );
    expect(rows[0]!.n).toBeGreaterThan(0);
    // The cockpit read the replica, which has no case registered today.
    const figures = await cockpit();
    expect(figures.counts.received).toBe(0);
  });
});

describe('cockpits asked for together share one reading', () => {
  it('answers the same question within the sharing time from one computation, and a failure is not kept', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const shared = new SharedComputations<number>(5_000);
      let computed = 0;
      const compute = async () => ++computed;
      const [a, b] = await Promise.all([shared.get('k', compute), shared.get('k', compute)]);
      expect([a, b, computed]).toEqual([1, 1, 1]);
      expect(await shared.get('other', compute)).toBe(2);
      vi.setSystemTime(Date.now() + 4_000);
      expect(await shared.get('k', compute)).toBe(1);
      vi.setSystemTime(Date.now() + 1_500);
      expect(await shared.get('k', compute)).toBe(3);
      await expect(shared.get('bad', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
      expect(await shared.get('bad', compute)).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it('serves two leaders asking within seconds the figures of one reading', async () => {
    const first = await cockpit();
    const second = await cockpit();
    expect(second).toEqual(first);
  });
});
