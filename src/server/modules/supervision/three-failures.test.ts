import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../../shared/calendar.js';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { buildCaseBody } from '../cases/cases.factory.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
let fl: string;
let yangzhuang: string;

beforeAll(async () => {
  ctx = await startTestApp();
  // A worker of 区妇联, a unit no other test dispatches to, so the figures below are this file's own.
  await ctx.database.pool.query(`
    insert into users (district_code, username, display_name, password_hash, role, unit_id)
    select u.district_code, 'fl_worker', '妇联工作人员', u.password_hash, 'unit_handler', (select id from units where code = '410871-FL')
    from users u where u.username = 'admin' on conflict do nothing`);
  for (const u of ['reception', 'dispatcher', 'fl_worker', 'admin', 'leader', 'mediator']) cookies[u] = await signIn(ctx.app, u);
  const unitsList = (await ctx.app.inject({ method: 'GET', url: '/api/units', headers: { cookie: cookies.admin! } })).json().items;
  fl = unitsList.find((u: { code: string }) => u.code === '410871-FL').id;
  yangzhuang = unitsList.find((u: { code: string }) => u.code === '410871100200').id;
});
afterAll(() => ctx.close());

const send = (who: string, id: string, body: Record<string, unknown>) =>
  actOnCaseOk(ctx.app, { cookie: cookies[who]!, readerCookie: cookies.admin! }, id, body);
const register = async (body: Parameters<typeof buildCaseBody>[0]) =>
  (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
      payload: buildCaseBody(body),
    })
  ).json();

describe('the three failures (三个未)', () => {
  it('counts each failure by the unit holding the case, and drills down to the cases', async () => {
    const today = shanghaiDate(new Date());
    // 应办理未办理: a petition at 妇联 whose 60-day handling clock is past due.
    const late = await register({ kind: 'petition', category: 'marriage_family' });
    await send('reception', late.id, { action: 'accept' });
    await send('dispatcher', late.id, { action: 'dispatch', leadUnitId: fl });
    // Not provisional, so loading a year elsewhere in the run does not recompute it back.
    await ctx.database.pool.query(
      `update case_clocks set due_date = $1, is_provisional = false where case_id = $2 and stage = 'handling'`,
      [addDays(today, -3), late.id],
    );
    // 不依法办理: a mediation agreement concluded at 妇联 with no agreement document attached.
    const bare = await register({ category: 'marriage_family' });
    await send('reception', bare.id, { action: 'accept' });
    await send('dispatcher', bare.id, { action: 'dispatch', leadUnitId: fl });
    await send('fl_worker', bare.id, { action: 'start' });
    await send('fl_worker', bare.id, { action: 'conclude', outcome: 'agreement', note: '口头协议' });
    // 应受理未受理: a petition at 杨庄村 nobody has decided on, past its 15 days.
    const waiting = await register({ kind: 'petition', category: 'other', place: { address: '阳庙镇杨庄村', unitCode: '410871100200' } });
    await ctx.database.pool.query(
      `update case_clocks set due_date = $1, is_provisional = false where case_id = $2 and stage = 'acceptance'`,
      [addDays(today, -1), waiting.id],
    );

    const report = (
      await ctx.app.inject({
        method: 'GET',
        url: `/api/reports/three-failures?from=${today}&to=${today}`,
        headers: { cookie: cookies.leader! },
      })
    ).json();
    expect(report.rows.find((r: { unitId: string }) => r.unitId === fl)).toMatchObject({
      unitName: '区妇联',
      cases: 2,
      notAccepted: 0,
      notHandled: 1,
      unlawful: 1,
    });
    expect(report.rows.find((r: { unitId: string }) => r.unitId === yangzhuang)).toMatchObject({
      notAccepted: 1,
      notHandled: 0,
      unlawful: 0,
    });

    const drill = (
      await ctx.app.inject({ method: 'GET', url: `/api/cases?failure=unlawful&holderUnitId=${fl}`, headers: { cookie: cookies.leader! } })
    ).json();
    expect(drill.items.map((i: { id: string }) => i.id)).toEqual([bare.id]);
    const drill2 = (
      await ctx.app.inject({
        method: 'GET',
        url: `/api/cases?failure=not_handled&holderUnitId=${fl}`,
        headers: { cookie: cookies.leader! },
      })
    ).json();
    expect(drill2.items.map((i: { id: string }) => i.id)).toEqual([late.id]);
  });

  it('is for supervisors only', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/reports/three-failures?from=${shanghaiDate(new Date())}&to=${shanghaiDate(new Date())}`,
      headers: { cookie: cookies.mediator! },
    });
    expect(res.statusCode).toBe(403);
  });
});
