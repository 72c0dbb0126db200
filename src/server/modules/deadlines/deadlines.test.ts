import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { waiterOf } from '../../../../test/support/locks.js';
import { buildCaseBody } from '../cases/cases.factory.js';
import { rewriteRunningClocks } from './case-clocks.js';

let ctx: TestContext;
let admin: string;
let reception: string;
beforeAll(async () => {
  ctx = await startTestApp();
  admin = await signIn(ctx.app, 'admin');
  reception = await signIn(ctx.app, 'reception');
});
afterAll(() => ctx.close());

const policy = {
  priority: 1,
  stage: 'handling',
  kind: null,
  category: 'medical',
  channel: null,
  difficulty: null,
  days: 12,
  unit: 'working',
  maxExtensionDays: null,
  warnPercent: 80,
  legalBasis: '测试：医疗纠纷专门时限',
  isEnabled: true,
};

const register = async (overrides: Parameters<typeof buildCaseBody>[0]) =>
  (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: reception, 'idempotency-key': randomUUID() },
      payload: buildCaseBody(overrides),
    })
  ).json();

describe('time-limit policies', () => {
  it('lists the defaults with their legal basis', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/time-limits', headers: { cookie: reception } });
    const petitionHandling = res
      .json()
      .items.find((p: { stage: string; kind: string | null }) => p.stage === 'handling' && p.kind === 'petition');
    expect(petitionHandling).toMatchObject({ days: 60, unit: 'calendar', maxExtensionDays: 30 });
    expect(petitionHandling.legalBasis).toContain('第三十四条');
  });

  it('may be changed by the administrator only', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/time-limits', headers: { cookie: reception }, payload: policy });
    expect(res.statusCode).toBe(403);
  });

  it('does not move running deadlines when changed, until the administrator recomputes (logged)', async () => {
    const created = (await ctx.app.inject({ method: 'POST', url: '/api/time-limits', headers: { cookie: admin }, payload: policy })).json();
    const c = await register({ category: 'medical' });
    const accepted = (
      await ctx.app.inject({
        method: 'POST',
        url: `/api/cases/${c.id}/actions`,
        headers: { cookie: reception },
        payload: { action: 'accept', expectedVersion: 1 },
      })
    ).json();
    const before = accepted.clocks.find((k: { stage: string }) => k.stage === 'handling');
    expect(before).toMatchObject({ days: 12, unit: 'working', legalBasis: '测试：医疗纠纷专门时限' });

    const put = await ctx.app.inject({
      method: 'PUT',
      url: `/api/time-limits/${created.id}`,
      headers: { cookie: admin },
      payload: { ...policy, days: 3 },
    });
    expect(put.json().days).toBe(3);
    const unchanged = (await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: admin } })).json();
    expect(unchanged.clocks.find((k: { stage: string }) => k.stage === 'handling')).toMatchObject({ days: 12, dueDate: before.dueDate });

    // A case the new rule does not touch, held by a step in progress: the recomputation does not wait for it (it locks
    // only the cases whose clocks change, a batch at a time).
    const other = await register({ category: 'other' });
    // Its clocks computed with the year known: no recomputation of provisional clocks (another file loading a year on
    // the shared database) comes to wait for it either.
    await ctx.database.pool.query(`update case_clocks set is_provisional = false where case_id = $1`, [other.id]);
    const step = await ctx.database.pool.connect();
    let recomputing;
    try {
      await step.query('begin');
      const pid = (await step.query(`select pg_backend_pid() as pid`)).rows[0].pid as number;
      await step.query(`select 1 from cases where id = $1 for update`, [other.id]);
      recomputing = ctx.app.inject({
        method: 'POST',
        url: '/api/time-limits/recompute',
        headers: { cookie: admin },
        payload: { reason: '医疗纠纷时限调整' },
      });
      expect(await waiterOf(ctx.database.pool, pid, recomputing)).toBeUndefined();
    } finally {
      await step.query('rollback');
      step.release();
    }
    const recompute = await recomputing;
    expect(recompute.statusCode).toBe(200);
    expect(recompute.json().recomputed).toBeGreaterThanOrEqual(1);
    const moved = (await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: admin } })).json();
    const expected = (await ctx.app.inject({ method: 'GET', url: `/api/calendar/add-working-days?from=${before.startedOn}&days=3` })).json()
      .date;
    expect(moved.clocks.find((k: { stage: string }) => k.stage === 'handling')).toMatchObject({ days: 3, dueDate: expected });
    const { rows } = await ctx.database.pool.query(
      `select action, data->>'reason' as reason, (data->>'recomputed')::int as recomputed from admin_log where action = 'time_limit.recompute'`,
    );
    expect(rows).toContainEqual({ action: 'time_limit.recompute', reason: '医疗纠纷时限调整', recomputed: recompute.json().recomputed });

    await ctx.app.inject({
      method: 'PUT',
      url: `/api/time-limits/${created.id}`,
      headers: { cookie: admin },
      payload: { ...policy, days: 3, isEnabled: false },
    });
  });

  it('recomputes a batch of cases at a time, each batch holding the locks of its own cases only', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await register({ category: 'other' })).id);
    const lockedPerBatch: string[][] = [];
    const changed = await rewriteRunningClocks({
      db: ctx.database.db,
      districtCode: '410871',
      batchCases: 2,
      candidates: sql`k.case_id = any(${`{${ids.join(',')}}`}::uuid[])`,
      rewrite: (k) => ({ ...k, warnPercent: 55 }),
      afterBatch: async () => {
        // Seen from another connection: the cases it cannot lock now are the ones this batch holds.
        const { rows } = await ctx.database.pool.query(`select id from cases where id = any($1) for update skip locked`, [ids]);
        lockedPerBatch.push(ids.filter((id) => !rows.some((r) => r.id === id)));
      },
    });
    expect(lockedPerBatch.map((l) => l.length)).toEqual([2, 2, 1]);
    expect(new Set(lockedPerBatch.flat())).toEqual(new Set(ids));
    const { rows } = await ctx.database.pool.query(
      `select count(*)::int as n, count(*) filter (where warn_percent = 55)::int as rewritten from case_clocks where case_id = any($1) and stopped_at is null`,
      [ids],
    );
    expect(rows[0].n).toBeGreaterThanOrEqual(5);
    expect(rows[0]).toEqual({ n: changed, rewritten: changed });
  });

  it('refuses a period out of range', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/time-limits',
      headers: { cookie: admin },
      payload: { ...policy, days: 0 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });
});
