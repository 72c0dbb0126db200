import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../../shared/calendar.js';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { waiterOf } from '../../../../test/support/locks.js';
import { actOnCase } from '../case-access/act-on-case.js';
import { buildCaseBody, loadActor } from '../cases/cases.factory.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  // A database of its own: the years it loads recompute every provisional clock there under the cases' locks, and its
  // tests hold such locks on purpose — on the shared database that would reach other files' cases, and their loading
  // of a year (calendar.test.ts) would reach these.
  ctx = await startTestApp({ isolated: true });
  for (const u of ['reception', 'dispatcher', 'mediator', 'admin']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

const today = () => shanghaiDate(new Date());

async function register(overrides: Parameters<typeof buildCaseBody>[0] = {}) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
    payload: buildCaseBody(overrides),
  });
  return res.json();
}

const act = (who: string, id: string, body: Record<string, unknown>) =>
  actOnCaseOk(ctx.app, { cookie: cookies[who]!, readerCookie: cookies.admin! }, id, body);

async function calendarDate(path: string) {
  return (await ctx.app.inject({ method: 'GET', url: `/api/calendar/${path}` })).json().date as string;
}

async function sfs() {
  const units = (await ctx.app.inject({ method: 'GET', url: '/api/units', headers: { cookie: cookies.admin! } })).json().items;
  return units.find((u: { code: string }) => u.code === '410871061-SFS').id as string;
}

describe('clocks on a case', () => {
  it('starts the 15-day acceptance clock when a petition is registered', async () => {
    const c = await register({ kind: 'petition', category: 'other' });
    expect(c.clocks).toHaveLength(1);
    expect(c.clocks[0]).toMatchObject({ stage: 'acceptance', days: 15, unit: 'calendar', isRunning: true, startedOn: today() });
    expect(c.clocks[0].dueDate).toBe(await calendarDate(`add-calendar-days?from=${today()}&days=15`));
    expect(c.clocks[0].legalBasis).toContain('信访工作条例');
    expect(c.deadline).toMatchObject({ stage: 'acceptance' });
  });

  it('stops acceptance and starts the handling clock on accept; dispatch adds the 5-working-day objection clock', async () => {
    const c = await register();
    const accepted = await act('reception', c.id, { action: 'accept' });
    const byStage = Object.fromEntries(accepted.clocks.map((k: { stage: string }) => [k.stage, k]));
    expect(byStage.acceptance).toMatchObject({ isRunning: false, level: 'normal' });
    expect(byStage.handling).toMatchObject({ isRunning: true, days: 30, unit: 'calendar' });
    const dispatched = await act('dispatcher', c.id, { action: 'dispatch', leadUnitId: await sfs() });
    const objection = dispatched.clocks.find((k: { stage: string }) => k.stage === 'transfer_objection');
    expect(objection).toMatchObject({ days: 5, unit: 'working', isRunning: true });
    expect(objection.dueDate).toBe(await calendarDate(`add-working-days?from=${today()}&days=5`));
    const started = await act('mediator', c.id, { action: 'start' });
    expect(started.clocks.find((k: { stage: string }) => k.stage === 'transfer_objection').isRunning).toBe(false);
  });

  it('uses the centre’s working-day limits by difficulty for other matters', async () => {
    const c = await register({ kind: 'help', category: 'other', difficulty: 'complex' });
    const accepted = await act('reception', c.id, { action: 'accept' });
    const handling = accepted.clocks.find((k: { stage: string }) => k.stage === 'handling');
    expect(handling).toMatchObject({ days: 20, unit: 'working' });
    expect(handling.dueDate).toBe(await calendarDate(`add-working-days?from=${today()}&days=20`));
  });

  it('pauses while suspended and moves the due date by exactly the working days paused', async () => {
    const c = await register({ kind: 'help', category: 'other' });
    await act('reception', c.id, { action: 'accept' });
    await act('dispatcher', c.id, { action: 'dispatch', leadUnitId: await sfs() });
    await act('mediator', c.id, { action: 'start' });
    const suspended = await act('mediator', c.id, { action: 'suspend', reason: '等待当事人补充工资条' });
    const handling = suspended.clocks.find((k: { stage: string }) => k.stage === 'handling');
    expect(handling.isPaused).toBe(true);
    // Pretend the pause began three weeks ago.
    const pausedOn = addDays(today(), -21);
    await ctx.database.pool.query(`update case_clocks set paused_on = $1 where id = $2`, [pausedOn, handling.id]);
    const paused = await (
      await ctx.app.inject({ method: 'GET', url: `/api/calendar/working-days-between?from=${pausedOn}&to=${today()}` })
    ).json().days;
    const resumed = await act('mediator', c.id, { action: 'resume' });
    const after = resumed.clocks.find((k: { stage: string }) => k.stage === 'handling');
    expect(after).toMatchObject({ isPaused: false, pausedDays: paused });
    expect(after.dueDate).toBe(await calendarDate(`add-working-days?from=${handling.dueDate}&days=${paused}`));
  });

  it('lists overdue cases and colours them red', async () => {
    const c = await register({ summary: `逾期测试 ${randomUUID().slice(0, 6)}` });
    await ctx.database.pool.query(`update case_clocks set started_on = $1, due_date = $2 where case_id = $3`, [
      addDays(today(), -30),
      addDays(today(), -10),
      c.id,
    ]);
    const list = (
      await ctx.app.inject({ method: 'GET', url: '/api/cases?deadline=overdue&pageSize=100', headers: { cookie: cookies.dispatcher! } })
    ).json();
    const item = list.items.find((i: { id: string }) => i.id === c.id);
    expect(item.deadline).toMatchObject({ level: 'overdue', stage: 'acceptance' });
    expect(item.deadline.workingDaysLeft).toBeLessThan(0);
    expect(list.items.every((i: { deadline: { level: string } | null }) => i.deadline?.level === 'overdue')).toBe(true);
  });
});

describe('a year loaded later', () => {
  /** A new case whose first clock started on `startedOn` for 3 working days, its due date computed provisionally. */
  async function provisionalClock(startedOn: string, provisionalDue: string) {
    const c = await register();
    const clockId = c.clocks[0].id as string;
    await ctx.database.pool.query(
      `update case_clocks set started_on = $2, days = 3, unit = 'working', due_date = $3, is_provisional = true where id = $1`,
      [clockId, startedOn, provisionalDue],
    );
    return { caseId: c.id as string, clockId, version: c.version as number };
  }
  /** The administrator loads a year's schedule with one holiday. */
  const loadYear = (year: number, holiday: { date: string; name: string }) =>
    ctx.app.inject({
      method: 'PUT',
      url: `/api/calendar/years/${year}`,
      headers: { cookie: cookies.admin! },
      payload: { holidays: [holiday], workdays: [] },
    });

  it('recomputes the deadlines that were provisional', async () => {
    // Started on Sunday 2033-01-02, computed while 2033 was not loaded: 01-05.
    const { clockId } = await provisionalClock('2033-01-02', '2033-01-05');
    const put = await loadYear(2033, { date: '2033-01-03', name: '元旦' });
    expect(put.statusCode).toBe(200);
    const { rows } = await ctx.database.pool.query(`select due_date::text, is_provisional from case_clocks where id = $1`, [clockId]);
    expect(rows[0]).toEqual({ due_date: '2033-01-06', is_provisional: false });
  });

  const clockRow = async (clockId: string) =>
    (
      await ctx.database.pool.query(
        `select due_date::text, is_provisional, warn_percent, stopped_at is not null as stopped from case_clocks where id = $1`,
        [clockId],
      )
    ).rows[0];

  it('recomputes under the case lock: a step that read the clocks before cannot write their old due date back', async () => {
    // Started on Sunday 2035-01-07, computed while 2035 was not loaded.
    const { caseId, clockId } = await provisionalClock('2035-01-07', '2035-01-10');
    // A step in progress: the case locked and its clocks read, as record-case-change.ts does before it writes them.
    const step = await ctx.database.pool.connect();
    try {
      await step.query('begin');
      const pid = (await step.query(`select pg_backend_pid() as pid`)).rows[0].pid as number;
      await step.query(`select 1 from cases where id = $1 for update`, [caseId]);
      const read = (await step.query(`select due_date::text as due, is_provisional from case_clocks where id = $1`, [clockId])).rows[0];
      const loading = loadYear(2035, { date: '2035-01-08', name: '测试假日' });
      // The recomputation waits for the step's lock (it does not change the clock under the step's feet).
      expect(await waiterOf(ctx.database.pool, pid, loading, '%for no key update%')).toBeDefined();
      // The step writes the clock's whole state as it read it, with a change of its own, and commits.
      await step.query(`update case_clocks set due_date = $2, is_provisional = $3, warn_percent = 77 where id = $1`, [
        clockId,
        read.due,
        read.is_provisional,
      ]);
      await step.query('commit');
      expect((await loading).statusCode).toBe(200);
    } finally {
      await step.query('rollback'); // nothing left open on a failure (after the commit: nothing to undo)
      step.release();
    }
    // Both kept: the step's change, and the due date counted again with the loaded year's holiday.
    const row = await clockRow(clockId);
    expect(row).toMatchObject({
      due_date: await calendarDate('add-working-days?from=2035-01-07&days=3'),
      is_provisional: false,
      warn_percent: 77,
    });
    expect(row.due_date).not.toBe('2035-01-10');
  });

  // A step that comes while the recomputation holds the case: it waits, and plans on the clocks as recomputed — whether
  // it reads them under the lock it waited for, or read them before and finds the case row changed when it writes.
  for (const [way, year] of [
    ['the locking way (in a caller’s transaction)', 2041],
    ['one statement on the unlocked row (optimistic)', 2043],
  ] as const)
    it(`keeps the recomputed due date when a step comes during the recomputation: ${way}`, async () => {
      const { caseId, clockId, version } = await provisionalClock(`${year}-01-06`, `${year}-02-28`);
      const reception = await loadActor(ctx.database.db, 'reception');
      const calendar = await ctx.app.deps.calendar.get();
      const accept = () =>
        way.startsWith('the locking')
          ? ctx.database.db.transaction((tx) =>
              actOnCase({
                db: ctx.database.db,
                within: tx,
                calendar,
                actor: reception,
                caseId,
                body: { action: 'accept', expectedVersion: version },
              }),
            )
          : actOnCase({ db: ctx.database.db, calendar, actor: reception, caseId, body: { action: 'accept', expectedVersion: version } });
      // The recomputation is held after it has locked the case: its write of the clock waits for this row lock.
      const holder = await ctx.database.pool.connect();
      try {
        await holder.query('begin');
        const holderPid = (await holder.query(`select pg_backend_pid() as pid`)).rows[0].pid as number;
        await holder.query(`select 1 from case_clocks where id = $1 for update`, [clockId]);
        const loading = loadYear(year, { date: `${year}-01-07`, name: '测试假日' });
        const recomputation = await waiterOf(ctx.database.pool, holderPid, loading, '%update case_clocks k set days%');
        expect(recomputation).toBeDefined();
        const accepted = accept();
        // The step waits for the recomputation (the case's lock), whichever way it goes.
        expect(
          await waiterOf(ctx.database.pool, recomputation!, accepted, way.startsWith('the locking') ? '%for update of c%' : '%c.xmin = %'),
        ).toBeDefined();
        await holder.query('rollback');
        expect((await loading).statusCode).toBe(200);
        expect((await accepted).status).toBe('accepted');
      } finally {
        await holder.query('rollback');
        holder.release();
      }
      // Stopped by the step, with the due date counted again with the loaded year's holiday — not the provisional one.
      const row = await clockRow(clockId);
      expect(row).toMatchObject({
        stopped: true,
        due_date: await calendarDate(`add-working-days?from=${year}-01-06&days=3`),
        is_provisional: false,
      });
      expect(row.due_date).not.toBe(`${year}-02-28`);
    });
});
