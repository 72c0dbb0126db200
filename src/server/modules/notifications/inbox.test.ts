import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';

let ctx: TestContext;
// A database of its own: the count of this user's notifications must not move while the pages are read.
beforeAll(async () => {
  ctx = await startTestApp({ isolated: true });
});
afterAll(() => ctx.close());

describe('the notification inbox', () => {
  it('pages notifications written in one instant (one sweep) without repeating or skipping one', async () => {
    const cookie = await signIn(ctx.app, 'dispatcher');
    const { rows: users } = await ctx.database.pool.query<{ id: string; district_code: string }>(
      `select id, district_code from users where username = 'dispatcher'`,
    );
    const me = users[0]!;
    // 37 notifications with one creation time, as one reminder sweep writes them, in a shuffled order of ids; the newest
    // of the inbox, so they fill its first pages.
    const written = await ctx.database.pool.query<{ id: string }>(
      `insert into notifications (district_code, user_id, outbox_id, title, body, created_at)
       select $1, $2, gen_random_uuid(), '办理提醒', '第 ' || n || ' 条', now() + interval '1 hour'
         from generate_series(1, 37) n order by random()
       returning id`,
      [me.district_code, me.id],
    );
    const seen: string[] = [];
    let total = 0;
    for (let page = 1; page <= 8; page++) {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/notifications?page=${page}&pageSize=5`, headers: { cookie } });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: { id: string }[]; total: number };
      total = body.total;
      seen.push(...body.items.map((n) => n.id));
    }
    expect(total).toBeGreaterThanOrEqual(37);
    // The first 37 shown are the sweep's 37, each once.
    expect(new Set(seen.slice(0, 37)).size).toBe(37);
    expect(new Set(seen.slice(0, 37))).toEqual(new Set(written.rows.map((r) => r.id)));
    expect(new Set(seen).size).toBe(seen.length);
  });
});
