import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../../shared/calendar.js';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { runExclusive } from '../../lib/scheduled-task.js';
import { buildCaseBody } from '../cases/cases.factory.js';
import { dispatchOutbox, enqueue } from '../notifications/outbox.js';
import { createLoggingSmsGateway } from '../notifications/sms-gateway.js';
import { runDeadlineSweep } from './deadline-sweep.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  // The sweep acts on every case in its database: a database of its own keeps it off other files' cases.
  ctx = await startTestApp({ isolated: true });
  for (const u of ['reception', 'dispatcher', 'mediator', 'admin']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

const today = () => shanghaiDate(new Date());
const sweep = async (failAfterCases?: number) =>
  runDeadlineSweep({ db: ctx.database.db, calendar: await ctx.app.deps.calendar.get(), escalateAfterWorkingDays: 3, failAfterCases });

const send = (who: string, id: string, body: Record<string, unknown>) =>
  actOnCaseOk(ctx.app, { cookie: cookies[who]!, readerCookie: cookies.admin! }, id, body);

/** A dispute in handling at 文苑街道司法所 with 赵敏 as handler, its handling clock moved so it is `overdueBy` days late. */
async function lateCase(opts: { overdueCalendarDays: number }) {
  const units = (await ctx.app.inject({ method: 'GET', url: '/api/units', headers: { cookie: cookies.admin! } })).json().items;
  const sfs = units.find((u: { code: string }) => u.code === '410871061-SFS').id;
  const c = (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
      payload: buildCaseBody(),
    })
  ).json();
  await send('reception', c.id, { action: 'accept' });
  await send('dispatcher', c.id, { action: 'dispatch', leadUnitId: sfs });
  await send('mediator', c.id, { action: 'start' });
  await ctx.database.pool.query(`update case_clocks set started_on = $1, due_date = $2 where case_id = $3 and stage = 'handling'`, [
    addDays(today(), -40),
    addDays(today(), -opts.overdueCalendarDays),
    c.id,
  ]);
  return c.id as string;
}

const outboxRows = async (caseId: string) =>
  (await ctx.database.pool.query(`select dedupe_key, title from outbox where case_id = $1 order by dedupe_key`, [caseId])).rows;
const events = async (caseId: string, action: string) =>
  (await ctx.database.pool.query(`select reason from case_events where case_id = $1 and action = $2`, [caseId, action])).rows;

describe('the deadline sweep', () => {
  it('reminds the handler once of a clock turning yellow, however often it runs', async () => {
    const c = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/cases',
        headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
        payload: buildCaseBody(),
      })
    ).json();
    // Acceptance clock: 9 of 10 calendar days gone.
    await ctx.database.pool.query(`update case_clocks set started_on = $1, due_date = $2 where case_id = $3`, [
      addDays(today(), -9),
      addDays(today(), 1),
      c.id,
    ]);
    await sweep();
    await sweep();
    const rows = await outboxRows(c.id);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r: { title: string }) => r.title.includes('期限预警'))).toBe(true);
    // Nobody holds it yet: the centre's dispatchers are told, one row each.
    expect(new Set(rows.map((r: { dedupe_key: string }) => r.dedupe_key)).size).toBe(rows.length);
  });

  it('escalates an overdue case one level up exactly once, urges the holder, and reminds the handler', async () => {
    const id = await lateCase({ overdueCalendarDays: 10 });
    const first = await sweep();
    expect(first.escalations).toBeGreaterThanOrEqual(1);
    await sweep();
    const escalations = await events(id, 'auto_escalate');
    expect(escalations).toHaveLength(1);
    expect(escalations[0].reason).toMatch(/办理期限 .* 已逾期 \d+ 个工作日，自动提级至文苑街道督办/);
    const detail = (await ctx.app.inject({ method: 'GET', url: `/api/cases/${id}`, headers: { cookie: cookies.mediator! } })).json();
    expect(detail.urges).toEqual([expect.objectContaining({ isAutomatic: true, urgedBy: null, answer: null })]);
    expect(detail.allowedActions).toContain('answer_urge');
    const reminders = (await outboxRows(id)).filter((r: { title: string }) => r.title.includes('已逾期'));
    expect(reminders).toHaveLength(1);
  });

  it('tells the live boards once when a clock turns overdue, however often it runs', async () => {
    const heard: { type: string; caseId?: string; code?: string }[] = [];
    const unsubscribe = await ctx.app.deps.live.subscribe((e) => heard.push(e));
    try {
      // One day late: overdue, not yet escalated (that takes three working days).
      const id = await lateCase({ overdueCalendarDays: 1 });
      await sweep();
      await sweep();
      // Events arrive in commit order: once this later registration is heard, anything the sweeps said has been too.
      const marker = (
        await ctx.app.inject({
          method: 'POST',
          url: '/api/cases',
          headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
          payload: buildCaseBody(),
        })
      ).json();
      await expect.poll(() => heard.some((e) => e.type === 'case.registered' && e.caseId === marker.id), { timeout: 10_000 }).toBe(true);
      const overdue = heard.filter((e) => e.type === 'case.overdue' && e.caseId === id);
      expect(overdue).toHaveLength(1);
      expect(JSON.stringify(overdue[0])).not.toMatch(/张三|138\d{8}/);
    } finally {
      unsubscribe();
    }
  });

  it('does each thing exactly once when a sweep is cut off half-way and run again (restart catch-up)', async () => {
    const ids = [
      await lateCase({ overdueCalendarDays: 8 }),
      await lateCase({ overdueCalendarDays: 9 }),
      await lateCase({ overdueCalendarDays: 12 }),
    ];
    await expect(sweep(1)).rejects.toThrow('sweep interrupted');
    await sweep();
    await sweep();
    for (const id of ids) {
      expect((await outboxRows(id)).filter((r: { title: string }) => r.title.includes('已逾期'))).toHaveLength(1);
      expect(await events(id, 'auto_escalate')).toHaveLength(1);
    }
  });

  it('lets one instance at a time run a named task', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const name = `test-task-${randomUUID()}`;
    const first = runExclusive(ctx.database.db, name, () => held, { owner: 'a' });
    // Wait until the first has taken the lease.
    for (;;) {
      const { rows } = await ctx.database.pool.query(`select lease_owner from scheduled_tasks where name = $1`, [name]);
      if (rows[0]?.lease_owner === 'a') break;
      await new Promise((r) => setImmediate(r));
    }
    expect(await runExclusive(ctx.database.db, name, async () => undefined, { owner: 'b' })).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(await runExclusive(ctx.database.db, name, async () => undefined, { owner: 'b' })).toBe(true);
  });
});

describe('the outbox', () => {
  it('delivers in-app reminders once into the handler’s inbox', async () => {
    const id = await lateCase({ overdueCalendarDays: 2 });
    await sweep();
    const sms = createLoggingSmsGateway(pino({ level: 'silent' }));
    await dispatchOutbox({ db: ctx.database.db, sms, crypto: ctx.app.deps.crypto });
    await dispatchOutbox({ db: ctx.database.db, sms, crypto: ctx.app.deps.crypto });
    const inbox = (
      await ctx.app.inject({ method: 'GET', url: '/api/notifications?pageSize=100', headers: { cookie: cookies.mediator! } })
    ).json();
    const mine = inbox.items.filter((n: { caseId: string }) => n.caseId === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ isRead: false, title: expect.stringContaining('已逾期') });
    expect(inbox.unread).toBeGreaterThanOrEqual(1);
    await ctx.app.inject({
      method: 'POST',
      url: '/api/notifications/read',
      headers: { cookie: cookies.mediator! },
      payload: { ids: [mine[0].id] },
    });
    const after = (
      await ctx.app.inject({ method: 'GET', url: '/api/notifications?pageSize=100', headers: { cookie: cookies.mediator! } })
    ).json();
    expect(after.items.find((n: { id: string }) => n.id === mine[0].id).isRead).toBe(true);
  });

  it('sends a text message once through the logging SMS driver, with the phone masked in the log', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const key = `test-sms-${randomUUID()}`;
    await enqueue(ctx.database.db, [
      {
        districtCode: '410871',
        dedupeKey: key,
        channel: 'sms',
        recipientPhoneEnc: ctx.app.deps.crypto.encrypt('13812345678'),
        title: '办理进度',
        body: '您的事项已受理',
      },
    ]);
    await enqueue(ctx.database.db, [
      {
        districtCode: '410871',
        dedupeKey: key,
        channel: 'sms',
        recipientPhoneEnc: ctx.app.deps.crypto.encrypt('13812345678'),
        title: '办理进度',
        body: '您的事项已受理',
      },
    ]);
    const sms = createLoggingSmsGateway(log);
    for (let i = 0; i < 3; i++) await dispatchOutbox({ db: ctx.database.db, sms, crypto: ctx.app.deps.crypto });
    const sent = lines.filter((l) => l.includes(key));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('138****5678');
    expect(sent[0]).not.toContain('13812345678');
  });
});
