import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';

let ctx: TestContext;
let admin: string;
let dispatcher: string;
beforeAll(async () => {
  ctx = await startTestApp();
  admin = await signIn(ctx.app, 'admin');
  dispatcher = await signIn(ctx.app, 'dispatcher');
});
afterAll(() => ctx.close());

const get = async (url: string) => ctx.app.inject({ method: 'GET', url });

describe('the calendar served to other systems', () => {
  it('adds working days by the official 2026 calendar (the worked examples of docs/LEGAL-BASIS.md §1)', async () => {
    expect((await get('/api/calendar/add-working-days?from=2026-09-30&days=5')).json()).toEqual({ date: '2026-10-13', provisional: false });
    expect((await get('/api/calendar/add-working-days?from=2026-09-18&days=15')).json()).toEqual({
      date: '2026-10-15',
      provisional: false,
    });
  });

  it('counts working days between two dates', async () => {
    expect((await get('/api/calendar/working-days-between?from=2026-09-30&to=2026-10-13')).json()).toEqual({ days: 5, provisional: false });
  });

  it('moves a calendar-day period off a holiday', async () => {
    expect((await get('/api/calendar/add-calendar-days?from=2026-09-20&days=15')).json()).toEqual({
      date: '2026-10-08',
      provisional: false,
    });
  });

  it('refuses a date that does not exist', async () => {
    const res = await get('/api/calendar/add-working-days?from=2026-02-30&days=5');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('CALENDAR_DATE_INVALID');
  });

  it('lists the pre-filled years to signed-in staff', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/calendar/years', headers: { cookie: dispatcher } });
    const y2026 = res.json().items.find((y: { year: number }) => y.year === 2026);
    expect(y2026).toMatchObject({ source: 'chinese-days@1.5.7', holidays: 33, workdays: 6 });
  });
});

// A year far ahead, so loading it here moves no other test's deadlines (the database is shared by the run).
describe('loading a new year', () => {
  const body2040 = {
    holidays: [
      { date: '2040-01-01', name: '元旦' },
      { date: '2040-01-02', name: '元旦' },
    ],
    workdays: [],
  };

  it('is refused to anyone but an administrator', async () => {
    const res = await ctx.app.inject({
      method: 'PUT',
      url: '/api/calendar/years/2040',
      headers: { cookie: dispatcher },
      payload: body2040,
    });
    expect(res.statusCode).toBe(403);
  });

  it('turns a provisional answer into a final one, and is logged', async () => {
    // Weekends only: Monday 01-02 counts as a working day until 2040 is loaded.
    const before = (await get('/api/calendar/add-working-days?from=2040-01-01&days=3')).json();
    expect(before).toEqual({ date: '2040-01-04', provisional: true });
    const res = await ctx.app.inject({ method: 'PUT', url: '/api/calendar/years/2040', headers: { cookie: admin }, payload: body2040 });
    expect(res.statusCode).toBe(200);
    const after = (await get('/api/calendar/add-working-days?from=2040-01-01&days=3')).json();
    expect(after).toEqual({ date: '2040-01-05', provisional: false });
    expect((await get('/api/calendar/is-working-day?date=2040-01-02')).json()).toEqual({ working: false, provisional: false });
    const { rows } = await ctx.database.pool.query(`select action, entity from admin_log where entity = 'calendar:2040'`);
    expect(rows).toEqual([{ action: 'calendar.put_year', entity: 'calendar:2040' }]);
  });

  it('refuses a date outside the year and a date given twice', async () => {
    const outside = await ctx.app.inject({
      method: 'PUT',
      url: '/api/calendar/years/2028',
      headers: { cookie: admin },
      payload: { holidays: [{ date: '2029-01-01', name: '元旦' }], workdays: [] },
    });
    expect(outside.json().code).toBe('CALENDAR_DATE_OUTSIDE_YEAR');
    const twice = await ctx.app.inject({
      method: 'PUT',
      url: '/api/calendar/years/2028',
      headers: { cookie: admin },
      payload: { holidays: [{ date: '2028-01-01', name: '元旦' }], workdays: [{ date: '2028-01-01', name: '调休' }] },
    });
    expect(twice.json().code).toBe('CALENDAR_DATE_DUPLICATED');
    const listed = (await ctx.app.inject({ method: 'GET', url: '/api/calendar/years', headers: { cookie: admin } })).json();
    expect(listed.items.map((y: { year: number }) => y.year)).not.toContain(2028);
  });
});

describe('importing a file', () => {
  it('reads CSV with 休/班 kinds', async () => {
    const content = 'date,kind,name\n2030-10-01,休,国庆节\n2030-10-02,holiday,国庆节\n2030-10-12,班,国庆节\n';
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/calendar/import',
      headers: { cookie: admin },
      payload: { content, fileName: '2030.csv' },
    });
    expect(res.json()).toEqual({ years: [2030] });
    expect((await get('/api/calendar/is-working-day?date=2030-10-12')).json()).toEqual({ working: true, provisional: false });
    expect((await get('/api/calendar/is-working-day?date=2030-10-02')).json()).toEqual({ working: false, provisional: false });
  });

  it('reads JSON', async () => {
    const content = JSON.stringify({ years: [{ year: 2031, holidays: [{ date: '2031-01-01', name: '元旦' }], workdays: [] }] });
    const res = await ctx.app.inject({ method: 'POST', url: '/api/calendar/import', headers: { cookie: admin }, payload: { content } });
    expect(res.json()).toEqual({ years: [2031] });
  });

  it('refuses a malformed file and changes nothing', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/calendar/import',
      headers: { cookie: admin },
      payload: { content: 'date,kind\n2032-01-01,holiday\nnot-a-date,holiday\n' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('CALENDAR_IMPORT_INVALID');
    const listed = (await ctx.app.inject({ method: 'GET', url: '/api/calendar/years', headers: { cookie: admin } })).json();
    expect(listed.items.map((y: { year: number }) => y.year)).not.toContain(2032);
  });
});
