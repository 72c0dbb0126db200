import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../../shared/calendar.js';
import { MEASURE_KEYS, RATE_KEYS, type Measure } from '../../../shared/indicators.js';
import { OPEN_STATUSES } from '../../../shared/case-lifecycle.js';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { buildCaseBody, loadActor } from '../cases/cases.factory.js';
import { drizzle } from 'drizzle-orm/node-postgres';
import * as schema from '../../db/schema.js';
import { readCockpit } from './indicators.js';
import { foldCaseStats, rebuildCaseStats, refreshCaseStats } from './case-stats.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { XLSX_TYPE, readWorkbook } from '../../lib/workbook.js';

/**
 * A hand-built set of cases in an isolated database, so every figure is known in advance. The period is October 2026
 * in Asia/Shanghai; cases sit on both sides of its edges (UTC 16:00 is Shanghai midnight).
 */
let ctx: TestContext;
const cookies: Record<string, string> = {};
const unitIds: Record<string, string> = {};
const ids: Record<string, string> = {};
const FROM = '2026-10-01';
const TO = '2026-10-31';

const send = (who: string, id: string, body: Record<string, unknown>) =>
  actOnCaseOk(ctx.app, { cookie: cookies[who]!, readerCookie: cookies.admin! }, id, body);
const register = async (body: Parameters<typeof buildCaseBody>[0]) => {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
    payload: buildCaseBody(body),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
};
/** Moves a case's dates into the test's period, then lets the statistics follow (as any change does). */
const backdate = async (id: string, dates: { createdAt?: string; concludedAt?: string; followedUpAt?: string; escalatedAt?: string }) => {
  await ctx.database.pool.query(
    `update cases set created_at = coalesce($2, created_at), concluded_at = coalesce($3, concluded_at),
       followed_up_at = coalesce($4, followed_up_at), escalated_at = coalesce($5, escalated_at) where id = $1`,
    [id, dates.createdAt ?? null, dates.concludedAt ?? null, dates.followedUpAt ?? null, dates.escalatedAt ?? null],
  );
  await refreshCaseStats(ctx.database.db, '410871', [id]);
};
const get = (who: string, url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie: cookies[who]! } });

beforeAll(async () => {
  ctx = await startTestApp({ isolated: true });
  await ctx.database.pool.query(`
    insert into users (district_code, username, display_name, password_hash, role, unit_id)
    select u.district_code, 'wy_leader', '文苑街道书记', u.password_hash, 'leader', (select id from units where code = '410871061')
    from users u where u.username = 'admin'`);
  for (const u of ['reception', 'dispatcher', 'mediator', 'handler', 'grid', 'admin', 'leader', 'wy_leader'])
    cookies[u] = await signIn(ctx.app, u);
  const { rows } = await ctx.database.pool.query<{ code: string; id: string }>(`select code, id from units`);
  for (const r of rows) unitIds[r.code] = r.id;
  const wy = { address: '文苑街道东方社区', unitCode: '41087106100101' };

  // A: received 10-01 00:30 (Shanghai); mediated at the street's 司法所 (town level), agreement 10-10; satisfied 10-12.
  ids.A = await register({ category: 'neighbourhood', place: wy });
  await send('reception', ids.A, { action: 'accept' });
  await send('dispatcher', ids.A, { action: 'dispatch', leadUnitId: unitIds['410871061-SFS'] });
  await send('mediator', ids.A, { action: 'start' });
  await send('mediator', ids.A, { action: 'conclude', outcome: 'agreement', note: '达成协议' });
  await send('dispatcher', ids.A, { action: 'follow_up', satisfaction: 'satisfied' });
  await backdate(ids.A, { createdAt: '2026-09-30T16:30:00Z', concludedAt: '2026-10-10T02:00:00Z', followedUpAt: '2026-10-12T02:00:00Z' });

  // B: received 09-30 23:59 (September); settled on the spot by the grid (village level) 10-03; basically satisfied 10-05.
  ids.B = await register({ category: 'neighbourhood', place: wy });
  await send('reception', ids.B, { action: 'accept' });
  await send('dispatcher', ids.B, { action: 'dispatch', leadUnitId: unitIds['41087106100101'] });
  await send('grid', ids.B, { action: 'resolve_on_spot', note: '现场劝解，双方和好' });
  await send('dispatcher', ids.B, { action: 'follow_up', satisfaction: 'basically_satisfied' });
  await backdate(ids.B, { createdAt: '2026-09-30T15:59:00Z', concludedAt: '2026-10-03T02:00:00Z', followedUpAt: '2026-10-05T02:00:00Z' });

  // C: received 10-05, not accepted.
  ids.C = await register({ category: 'other', place: wy });
  await send('reception', ids.C, { action: 'reject', reason: '不属于受理范围' });
  await backdate(ids.C, { createdAt: '2026-10-05T02:00:00Z' });

  // D: received 10-06, a labour dispute at the district's labour inspectorate, no agreement 10-20, concluded late.
  ids.D = await register({ category: 'labour', place: wy });
  await send('reception', ids.D, { action: 'accept' });
  await send('dispatcher', ids.D, { action: 'dispatch', leadUnitId: unitIds['410871-RSJ-LDJC'] });
  await send('handler', ids.D, { action: 'start' });
  await send('handler', ids.D, { action: 'conclude', outcome: 'no_agreement', note: '调解不成，引导仲裁' });
  await ctx.database.pool.query(`update case_clocks set is_overdue_at_stop = true where case_id = $1 and stage = 'handling'`, [ids.D]);
  await backdate(ids.D, { createdAt: '2026-10-06T02:00:00Z', concludedAt: '2026-10-20T02:00:00Z' });

  // E: received 10-07, carried up 10-08.
  ids.E = await register({ category: 'land_acquisition', kind: 'petition', place: wy });
  await send('reception', ids.E, { action: 'accept' });
  await send('dispatcher', ids.E, { action: 'escalate', reason: '涉及市级政策' });
  await backdate(ids.E, { createdAt: '2026-10-07T02:00:00Z', escalatedAt: '2026-10-08T02:00:00Z' });

  // F: another street (李万街道), received 10-03, accepted: only the district sees it.
  ids.F = await register({ category: 'contract', place: { address: '李万街道韩愈路社区', unitCode: '410871060001' } });
  await send('reception', ids.F, { action: 'accept' });
  await backdate(ids.F, { createdAt: '2026-10-03T02:00:00Z' });

  // G: received 10-31 23:59:59 (still October), six people, waiting for a decision.
  ids.G = await register({ category: 'property_management', peopleInvolved: 6, place: wy });
  await backdate(ids.G, { createdAt: '2026-10-31T15:59:59Z' });

  // H: received 11-01 00:00 (November), waiting.
  ids.H = await register({ category: 'property_management', place: wy });
  await backdate(ids.H, { createdAt: '2026-10-31T16:00:00Z' });
});
afterAll(() => ctx.close());

/** What the street must show for October, measure by measure, and which cases are behind each. */
const EXPECTED: Record<Measure, string[]> = {
  received: ['A', 'C', 'D', 'E', 'G'],
  accepted: ['A', 'D', 'E'],
  rejected: ['C'],
  concluded: ['A', 'B', 'D'],
  settled: ['A', 'B'],
  mediated: ['A', 'D'],
  agreements: ['A'],
  timed: ['A', 'B', 'D'],
  onTime: ['A', 'B'],
  late: ['D'],
  levelVillage: ['B'],
  levelTown: ['A'],
  levelDistrict: ['D'],
  followedUp: ['A', 'B'],
  satisfied: ['A', 'B'],
  escalated: ['E'],
  leftVillage: ['A', 'D', 'E'],
  // H is November's; E was carried up (escalated is not open).
  openNow: ['G'],
  openMassRisk: ['G'],
};

describe('indicators (docs/INDICATORS.md)', () => {
  it('counts every figure of a street in a Shanghai month exactly, with its rates', async () => {
    const res = await get('leader', `/api/stats/cockpit?from=${FROM}&to=${TO}&unitId=${unitIds['410871061']}`);
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json();
    for (const m of MEASURE_KEYS) expect(c.counts[m], m).toBe(EXPECTED[m].length);
    expect(c.rates).toEqual({
      acceptanceRate: 75,
      settlementRate: 66.7,
      mediationSuccessRate: 50,
      onTimeRate: 66.7,
      satisfactionRate: 100,
      villageRate: 33.3,
      townRate: 66.7,
      notCarriedUpRate: 75,
    });
    // Live: G and H wait for a decision; G (six people) is a mass-dispute risk.
    expect(c.live).toMatchObject({ open: 2, massRisk: 1, openPackages: 0 });
    expect(c.byKind.find((k: { key: string }) => k.key === 'petition').received).toBe(1);
    expect(c.byCategory.find((k: { key: string }) => k.key === 'neighbourhood')).toEqual({
      key: 'neighbourhood',
      received: 1,
      concluded: 2,
      settled: 2,
    });
    expect(c.byChannel.reduce((s: number, x: { received: number }) => s + x.received, 0)).toBe(5);
    // Every case of the street lies under 东方社区; its first grid is the hotspot.
    expect(c.byUnit.map((u: { unitName: string }) => u.unitName)).toEqual(['东方社区']);
    expect(c.hotspots[0]).toMatchObject({ unitId: unitIds['41087106100101'], received: 5 });
    expect(c.trend).toEqual([{ bucket: '2026-10-01', received: 5, concluded: 3, settled: 2 }]);
  });

  it('counts a place’s overdue cases from the clocks under its path, and the district’s from all of them', async () => {
    // G (文苑街道) and F (李万街道) have a running clock past its due date; each case counts once.
    const { rows } = await ctx.database.pool.query<{ case_id: string; id: string; due_date: string }>(
      `select case_id, id, due_date::text from case_clocks where case_id = any($1) and stopped_at is null`,
      [[ids.G, ids.F]],
    );
    expect(new Set(rows.map((r) => r.case_id))).toEqual(new Set([ids.G, ids.F]));
    await ctx.database.pool.query(`update case_clocks set due_date = current_date - 2 where id = any($1)`, [rows.map((r) => r.id)]);
    try {
      const overdue = async (query: string) => {
        const res = await get('leader', `/api/stats/cockpit?from=${FROM}&to=${TO}${query}`);
        expect(res.statusCode, res.body).toBe(200);
        return res.json().live.overdue as number;
      };
      expect(await overdue('')).toBe(2);
      expect(await overdue(`&unitId=${unitIds['410871061']}`)).toBe(1);
      expect(await overdue(`&unitId=${unitIds['41087106100101']}`)).toBe(1);
      expect(await overdue(`&unitId=${unitIds['410871060']}`)).toBe(1);
      expect(await overdue(`&unitId=${unitIds['410871061']}&kind=petition`)).toBe(0);
      expect(await overdue(`&unitId=${unitIds['410871061']}&kind=dispute`)).toBe(1);
    } finally {
      for (const r of rows) await ctx.database.pool.query(`update case_clocks set due_date = $2 where id = $1`, [r.id, r.due_date]);
    }
  });

  it('counts a place’s urges of the period from the urges under its path, and the district’s from all of them', async () => {
    try {
      // G (文苑街道, a dispute) and F (李万街道) are urged through the action; the urges are moved into October.
      for (const id of [ids.G!, ids.F!])
        await send('dispatcher', id, { action: 'urge', note: '请三日内报告进展', replyBy: addDays(shanghaiDate(new Date()), 3) });
      const { rows } = await ctx.database.pool.query<{ case_id: string; unit_path: string; path: string }>(
        `select g.case_id, g.unit_path, c.unit_path as path from case_urges g join cases c on c.id = g.case_id where g.case_id = any($1)`,
        [[ids.G, ids.F]],
      );
      expect(rows).toHaveLength(2);
      for (const r of rows) expect(r.unit_path).toBe(r.path);
      // The upgrade fills the urges made before it the same way (migration urge_unit_path).
      const dir = fileURLToPath(new URL('../../db/migrations/', import.meta.url));
      const file = readdirSync(dir).find((f) => f.endsWith('_urge_unit_path.sql'))!;
      const fill = readFileSync(join(dir, file), 'utf8')
        .split('--> statement-breakpoint')
        .find((q) => q.trim().startsWith('UPDATE'))!;
      await ctx.database.pool.query(`update case_urges set unit_path = '' where case_id = any($1)`, [[ids.G, ids.F]]);
      await ctx.database.pool.query(fill);
      const filled = await ctx.database.pool.query<{ unit_path: string; path: string }>(
        `select g.unit_path, c.unit_path as path from case_urges g join cases c on c.id = g.case_id where g.case_id = any($1)`,
        [[ids.G, ids.F]],
      );
      expect(filled.rows.map((r) => r.unit_path)).toEqual(filled.rows.map((r) => r.path));
      await ctx.database.pool.query(`update case_urges set urged_at = '2026-10-20T02:00:00Z' where case_id = any($1)`, [[ids.G, ids.F]]);
      const urged = async (query: string, period = `from=${FROM}&to=${TO}`) => {
        const res = await get('leader', `/api/stats/cockpit?${period}${query}`);
        expect(res.statusCode, res.body).toBe(200);
        return res.json().live.urged as number;
      };
      expect(await urged('')).toBe(2);
      expect(await urged(`&unitId=${unitIds['410871061']}`)).toBe(1);
      expect(await urged(`&unitId=${unitIds['410871060']}`)).toBe(1);
      expect(await urged(`&unitId=${unitIds['410871061']}&kind=petition`)).toBe(0);
      expect(await urged(`&unitId=${unitIds['410871061']}&kind=dispute`)).toBe(1);
      expect(await urged(`&unitId=${unitIds['410871061']}`, 'from=2026-11-01&to=2026-11-30')).toBe(0);
    } finally {
      await ctx.database.pool.query(`delete from case_urges where case_id = any($1)`, [[ids.G, ids.F]]);
    }
  });

  it('reads each unit’s categories and channels (a district’s or street’s own rows, a community’s places) equal to a count of its cases', async () => {
    const today = shanghaiDate(new Date());
    await foldCaseStats(ctx.database.db);
    // One case left pending (nothing folds in this test app until asked): readers add it under the unit's path.
    await register({ category: 'labour', channel: 'phone' });
    for (const code of ['410871', '410871061', '410871060', '41087106100101']) {
      const unit = await ctx.database.pool.query<{ path: string }>(`select path from units where id = $1`, [unitIds[code]]);
      const c = (await get('leader', `/api/stats/cockpit?from=2026-01-01&to=${today}&unitId=${unitIds[code]}`)).json();
      const { rows } = await ctx.database.pool.query<{ dimension: string; key: string; n: number }>(
        `select 'category' as dimension, category as key, count(*)::int as n from case_stats
          where unit_path like $1 and received_on between '2026-01-01' and $2::date group by category
        union all select 'channel', channel, count(*)::int from case_stats
          where unit_path like $1 and received_on between '2026-01-01' and $2::date group by channel`,
        [`${unit.rows[0]!.path}%`, today],
      );
      const expected = (dimension: string) => Object.fromEntries(rows.filter((r) => r.dimension === dimension).map((r) => [r.key, r.n]));
      const shown = (list: { key: string; received: number }[]) =>
        Object.fromEntries(list.filter((x) => x.received > 0).map((x) => [x.key, x.received]));
      expect(shown(c.byCategory), code).toEqual(expected('category'));
      expect(shown(c.byChannel), code).toEqual(expected('channel'));
    }
    expect((await ctx.database.pool.query(`select 1 from case_stats_pending`)).rowCount).toBeGreaterThan(0);
  });

  it('spreads the per-place breakdown over the district and streets on an upgrade exactly as the fold keeps it (migration breakdown_per_area)', async () => {
    await foldCaseStats(ctx.database.db);
    const read = async () =>
      (await ctx.database.pool.query(`select * from case_stats_breakdown order by unit_id, grain, period, kind, dimension, key`)).rows;
    const counted = await read();
    expect(counted.length).toBeGreaterThan(0);
    // The rows as they were kept before, per place: a deeper place's rows as they are; the district's and a street's
    // own cases are their area rows less what lies under them (the streets' areas; the deeper places of the street).
    await ctx.database.pool.query(`
      create table breakdown_per_place as
      select b.district_code, b.grain, b.period, u.id as unit_id, u.path as unit_path, b.kind, b.dimension, b.key,
        sum(s * b.received)::int as received, sum(s * b.concluded)::int as concluded, sum(s * b.settled)::int as settled,
        sum(s * b.agreements)::int as agreements, sum(s * b.level_village)::int as level_village,
        sum(s * b.level_town)::int as level_town, sum(s * b.level_district)::int as level_district
      from case_stats_breakdown b
      join units c on c.district_code = b.district_code and c.id = b.unit_id
      cross join lateral (values (c.id, 1),
        (case when c.depth = 1 then c.parent_id when c.depth > 1 then split_part(c.path, '/', 3)::uuid end, -1)) x(id, s)
      join units u on u.district_code = c.district_code and u.id = x.id
      group by 1, 2, 3, 4, 5, 6, 7, 8`);
    await ctx.database.pool.query(`delete from breakdown_per_place where received = 0 and concluded = 0 and settled = 0 and agreements = 0
      and level_village = 0 and level_town = 0 and level_district = 0`);
    await ctx.database.pool.query(`delete from case_stats_breakdown`);
    await ctx.database.pool.query(`insert into case_stats_breakdown select * from breakdown_per_place`);
    await ctx.database.pool.query(`drop table breakdown_per_place`);
    expect(await read()).not.toEqual(counted);
    await ctx.database.pool.query(`alter table case_stats_breakdown
      drop constraint case_stats_breakdown_district_code_unit_id_grain_period_kind_dimension_key_pk,
      add constraint case_stats_breakdown_district_code_grain_period_unit_id_kind_dimension_key_pk
        primary key (district_code, grain, period, unit_id, kind, dimension, key)`);
    const dir = fileURLToPath(new URL('../../db/migrations/', import.meta.url));
    const file = readdirSync(dir).find((f) => f.endsWith('_breakdown_per_area.sql'))!;
    // As drizzle's migrator runs it: every statement on one connection, in one transaction.
    const client = await ctx.database.pool.connect();
    try {
      await client.query('begin');
      for (const statement of readFileSync(join(dir, file), 'utf8').split('--> statement-breakpoint')) await client.query(statement);
      await client.query('commit');
    } finally {
      client.release();
    }
    expect(await read()).toEqual(counted);
  });

  it('fills the 零上访 counter on an upgrade exactly as the rollups count it (migration left_village_measure)', async () => {
    await foldCaseStats(ctx.database.db);
    const read = async () =>
      (
        await ctx.database.pool.query(
          `select grain, period::text, unit_id, kind, left_village from case_stats_units where left_village <> 0 order by 1, 2, 3, 4`,
        )
      ).rows;
    const counted = await read();
    expect(counted.length).toBeGreaterThan(0);
    const dir = fileURLToPath(new URL('../../db/migrations/', import.meta.url));
    const file = readdirSync(dir).find((f) => f.endsWith('_left_village_measure.sql'))!;
    const fill = readFileSync(join(dir, file), 'utf8').split('--> statement-breakpoint').at(-1)!;
    await ctx.database.pool.query(`update case_stats_units set left_village = 0`);
    await ctx.database.pool.query(fill);
    expect(await read()).toEqual(counted);
  });

  it('puts the edges of the period in Asia/Shanghai: 23:59:59 on the last day is in, midnight after is out', async () => {
    const sept = (await get('leader', `/api/stats/cockpit?from=2026-09-30&to=2026-09-30&unitId=${unitIds['410871061']}`)).json();
    expect(sept.counts.received).toBe(1); // B only (A came at 00:30 on 10-01)
    const nov1 = (await get('leader', `/api/stats/cockpit?from=2026-11-01&to=2026-11-01&unitId=${unitIds['410871061']}`)).json();
    expect(nov1.counts.received).toBe(1); // H
    // Part of September by day, all of October by month: the same cases either way.
    const across = (await get('leader', `/api/stats/cockpit?from=2026-09-30&to=2026-10-31&unitId=${unitIds['410871061']}`)).json();
    expect(across.counts).toMatchObject({ received: 6, concluded: 3, followedUp: 2 });
    const inner = (await get('leader', `/api/stats/cockpit?from=2026-10-02&to=2026-11-01&unitId=${unitIds['410871061']}`)).json();
    expect(inner.counts).toMatchObject({ received: 5, concluded: 3 }); // C D E G by day in October, H on 11-01; B's 10-03 conclusion is in, A's 10-01 receipt is out
    const weeks = (await get('leader', `/api/stats/cockpit?from=${FROM}&to=${TO}&unitId=${unitIds['410871061']}&grain=week`)).json();
    // ISO weeks start on Monday: 2026-09-28 holds 10-01 and 10-03.
    expect(weeks.trend[0]).toMatchObject({ bucket: '2026-09-28', received: 1, concluded: 1 });
    expect(weeks.trend.reduce((s: number, t: { received: number }) => s + t.received, 0)).toBe(5);
  });

  it('lists exactly the cases behind each figure (drill-down)', async () => {
    for (const m of MEASURE_KEYS) {
      const res = await get('leader', `/api/cases?figure=${m}&from=${FROM}&to=${TO}&placeUnitId=${unitIds['410871061']}&pageSize=50`);
      expect(res.statusCode, res.body).toBe(200);
      const found = res
        .json()
        .items.map((i: { id: string }) => i.id)
        .sort();
      expect(found, m).toEqual(EXPECTED[m].map((k) => ids[k]).sort());
    }
    const risk = (await get('leader', `/api/cases?figure=massRisk&placeUnitId=${unitIds['410871061']}`)).json();
    expect(risk.items.map((i: { id: string }) => i.id)).toEqual([ids.G]);
  });

  it('shows a street leader only the street, and refuses the district or another street', async () => {
    const own = (await get('wy_leader', `/api/stats/cockpit?from=${FROM}&to=${TO}`)).json();
    expect(own.unit.name).toBe('文苑街道');
    expect(own.counts.received).toBe(5);
    const district = await get('wy_leader', `/api/stats/cockpit?from=${FROM}&to=${TO}&unitId=${unitIds['410871']}`);
    expect(district.statusCode).toBe(403);
    expect(district.json().code).toBe('STATS_UNIT_OUTSIDE_JURISDICTION');
    const other = await get('wy_leader', `/api/stats/cockpit?from=${FROM}&to=${TO}&unitId=${unitIds['410871060']}`);
    expect(other.statusCode).toBe(403);
    // The district sees both streets: F adds one received and one accepted.
    const all = (await get('leader', `/api/stats/cockpit?from=${FROM}&to=${TO}`)).json();
    expect(all.counts).toMatchObject({ received: 6, accepted: 4, concluded: 3 });
    expect(all.byUnit.map((u: { unitName: string; counts: { received: number } }) => [u.unitName, u.counts.received])).toEqual([
      ['文苑街道', 5],
      ['李万街道', 1],
    ]);
    // Handlers and reception staff have no cockpit.
    expect((await get('mediator', `/api/stats/cockpit?from=${FROM}&to=${TO}`)).statusCode).toBe(403);
  });

  it('follows a reopened case: its conclusion leaves the period it was counted in', async () => {
    const before = (await get('leader', `/api/stats/cockpit?from=${FROM}&to=${TO}&unitId=${unitIds['410871060']}`)).json();
    expect(before.counts.concluded).toBe(0);
    const id = await register({ category: 'contract', place: { address: '李万街道韩愈路社区', unitCode: '410871060001' } });
    await send('reception', id, { action: 'accept' });
    await send('dispatcher', id, { action: 'dispatch', leadUnitId: unitIds['410871060-SFS'] });
    await ctx.database.pool.query(`update users set unit_id = $1 where username = 'mediator'`, [unitIds['410871060-SFS']]);
    try {
      const mediator = await signIn(ctx.app, 'mediator');
      await actOnCaseOk(ctx.app, { cookie: mediator, readerCookie: cookies.admin! }, id, { action: 'start' });
      await actOnCaseOk(ctx.app, { cookie: mediator, readerCookie: cookies.admin! }, id, {
        action: 'conclude',
        outcome: 'resolved_other',
        note: '已解决',
      });
      await backdate(id, { createdAt: '2026-10-15T02:00:00Z', concludedAt: '2026-10-16T02:00:00Z' });
      const concluded = (await get('leader', `/api/stats/cockpit?from=${FROM}&to=${TO}&unitId=${unitIds['410871060']}`)).json();
      expect(concluded.counts).toMatchObject({ received: 2, concluded: 1, settled: 1, levelTown: 1 });
      await send('dispatcher', id, { action: 'reopen', reason: '当事人反映未履行' });
      const reopened = (await get('leader', `/api/stats/cockpit?from=${FROM}&to=${TO}&unitId=${unitIds['410871060']}`)).json();
      expect(reopened.counts).toMatchObject({ received: 2, concluded: 0, settled: 0, levelTown: 0 });
      expect(reopened.live.open).toBe(2);
    } finally {
      await ctx.database.pool.query(`update users set unit_id = $1 where username = 'mediator'`, [unitIds['410871061-SFS']]);
    }
  });

  it('reads the live 在办 and 高风险/群体性 figures from the rollups, equal to a count of the open cases, before and after a fold', async () => {
    const db = ctx.database.db;
    const actor = await loadActor(db, 'leader');
    const open = OPEN_STATUSES.map((x) => `'${x}'`).join(',');
    const street = (await ctx.database.pool.query<{ path: string }>(`select path from units where code = '410871061'`)).rows[0]!.path;
    const views: { unitId?: string; kind?: 'dispute' | 'petition'; path: string }[] = [
      { path: '/' },
      { unitId: unitIds['410871061'], path: street },
      { kind: 'dispute', path: '/' },
      { unitId: unitIds['410871061'], kind: 'petition', path: street },
    ];
    const check = async (when: string) => {
      for (const v of views) {
        const { rows } = await ctx.database.pool.query<{ open: number; mass: number }>(
          `select count(*)::int as open, (count(*) filter (where risk_level = 'high' or people_involved >= 5))::int as mass
           from cases where status in (${open}) and unit_path like $1 and ($2::text is null or kind = $2)`,
          [`${v.path}%`, v.kind ?? null],
        );
        // Any period: the live figures are of the moment.
        const c = await readCockpit({ db, actor, query: { from: FROM, to: TO, grain: 'month', unitId: v.unitId, kind: v.kind } });
        expect({ open: c.live.open, massRisk: c.live.massRisk }, `${when} ${JSON.stringify(v)}`).toEqual({
          open: rows[0]!.open,
          massRisk: rows[0]!.mass,
        });
      }
    };
    await check('as built');
    expect((await readCockpit({ db, actor, query: { from: FROM, to: TO, grain: 'month' } })).live.open).toBeGreaterThan(0);
    // A high-risk petition and a mass dispute come in (pending, not folded yet), then are assessed and folded, then one
    // is refused (negative pending rows) and the other accepted, then folded again.
    const risky = await register({
      kind: 'petition',
      category: 'land_acquisition',
      riskLevel: 'high',
      place: { address: '文苑街道东方社区', unitCode: '41087106100101' },
    });
    const mass = await register({
      category: 'labour',
      peopleInvolved: 12,
      place: { address: '李万街道韩愈路社区', unitCode: '410871060001' },
    });
    await check('registered');
    // Their risk assessments (which may raise a case's risk, through the write path) and the fold.
    await ctx.settle();
    await check('assessed and folded');
    await send('reception', risky, { action: 'reject', reason: '不属于受理范围' });
    await send('reception', mass, { action: 'accept' });
    await check('one refused, one accepted');
    await foldCaseStats(db);
    await check('folded again');
  });

  it('fills the live 在办 and 高风险/群体性 counters on an upgrade exactly as the rollups count them (migration open_now_measures)', async () => {
    await foldCaseStats(ctx.database.db);
    const read = async () =>
      (
        await ctx.database.pool.query(
          `select grain, period::text, unit_id, kind, open_now, open_mass_risk from case_stats_units where open_now <> 0 or open_mass_risk <> 0 order by 1, 2, 3, 4`,
        )
      ).rows;
    const facts = async () =>
      (await ctx.database.pool.query(`select case_id, is_open, is_mass_risk from case_stats order by case_id`)).rows;
    const counted = await read();
    const kept = await facts();
    expect(counted.some((r) => r.open_mass_risk > 0)).toBe(true);
    const dir = fileURLToPath(new URL('../../db/migrations/', import.meta.url));
    const file = readdirSync(dir).find((f) => f.endsWith('_open_now_measures.sql'))!;
    const [update, fill] = readFileSync(join(dir, file), 'utf8').split('--> statement-breakpoint').slice(-2);
    await ctx.database.pool.query(`update case_stats set is_open = false, is_mass_risk = false`);
    await ctx.database.pool.query(`update case_stats_units set open_now = 0, open_mass_risk = 0`);
    await ctx.database.pool.query(update!);
    await ctx.database.pool.query(fill!);
    expect(await facts()).toEqual(kept);
    expect(await read()).toEqual(counted);
  });

  it('reads a year as one row less what lies after today, and a recount gives the very same figures', async () => {
    const today = shanghaiDate(new Date());
    const strip = ({ generatedAt: _g, period: _p, ...rest }: Record<string, unknown>) => rest;
    const read = async (from: string, to: string, extra = '') => {
      const res = await get('leader', `/api/stats/cockpit?from=${from}&to=${to}${extra}`);
      expect(res.statusCode, res.body).toBe(200);
      return strip(res.json());
    };
    // Every case of this file lies between 2026-09-30 and today: the year so far (a year row less the months and days
    // after today) and the same cases read month by month and day by day must agree, figure by figure.
    const periods: [string, string, string][] = [
      ['2026-01-01', today, ''],
      ['2026-09-01', today, ''],
      ['2026-01-01', today, '&grain=week'],
      ['2026-09-28', today, '&grain=week'],
      ['2026-01-01', today, `&unitId=${unitIds['410871061']}&kind=dispute`],
    ];
    const incremental = [];
    for (const [from, to, extra] of periods) incremental.push(await read(from, to, extra));
    expect(incremental[0]!.counts).toEqual(incremental[1]!.counts);
    expect(incremental[0]!.byCategory).toEqual(incremental[1]!.byCategory);
    expect(incremental[0]!.hotspots).toEqual(incremental[1]!.hotspots);
    expect(incremental[2]!.trend).toEqual(incremental[3]!.trend);
    expect((incremental[0]!.counts as { received: number }).received).toBeGreaterThanOrEqual(8);
    // The rollups are sums of per-case rows kept by every step; a recount from the cases must find exactly them — row
    // for row in both tables (every place, street and district row at every grain), and figure for figure on screen.
    const rollupRows = async () => {
      await foldCaseStats(ctx.database.db);
      const rowsOf = async (table: string, order: string) =>
        (await ctx.database.pool.query<{ r: Record<string, unknown> }>(`select to_jsonb(t) as r from ${table} t order by ${order}`)).rows
          .map((x) => x.r)
          // The fold keeps a row whose counts went back to zero; a recount has no such row.
          .filter((r) => Object.values(r).some((v) => typeof v === 'number' && v !== 0));
      return {
        units: await rowsOf('case_stats_units', 'district_code, grain, period, unit_id, kind'),
        breakdown: await rowsOf('case_stats_breakdown', 'district_code, unit_id, grain, period, kind, dimension, key'),
      };
    };
    const kept = await rollupRows();
    expect(kept.breakdown.some((r) => String(r.unit_path).split('/').filter(Boolean).length > 2)).toBe(true);
    await rebuildCaseStats(ctx.database.db, '410871');
    expect(await rollupRows()).toEqual(kept);
    for (const [i, [from, to, extra]] of periods.entries())
      expect(await read(from, to, extra), `${from}..${to}${extra}`).toEqual(incremental[i]);
  });

  it('exports the cockpit to Excel with the same figures as the screen', async () => {
    const url = `/api/stats/cockpit?from=${FROM}&to=${TO}&unitId=${unitIds['410871061']}`;
    const screen = (await get('leader', url)).json();
    const res = await get('leader', url.replace('/cockpit?', '/cockpit.xlsx?'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const book = await readWorkbook(res.rawPayload);
    const figures = new Map(book.get('指标')!.map((r) => [r[0], r[1]]));
    expect(figures.get('收案')).toBe(screen.counts.received);
    expect(figures.get('按期办结')).toBe(screen.counts.onTime);
    expect(figures.get('化解率(%)')).toBe(screen.rates.settlementRate);
    expect(figures.get('满意率(%)')).toBe(screen.rates.satisfactionRate);
    expect(figures.get('在办案件')).toBe(screen.live.open);
    const sheet = book.get('指标')!;
    expect(sheet.length - sheet.findIndex((r) => r[0] === '指标') - 1).toBe(
      RATE_KEYS.length + MEASURE_KEYS.length + Object.keys(screen.live).length + 1,
    );
    // No suggestion shown yet: the row is there, its cell empty (not 0).
    expect(figures.has('智能分类建议采纳率(%)')).toBe(true);
    expect(figures.get('智能分类建议采纳率(%)')).toBe(screen.routingAcceptance.rate ?? undefined);
    const units = book.get('下级单位')!;
    const header = units.find((r) => r[0] === '单位')!;
    const row = units.find((r) => r[0] === '东方社区')!;
    expect(row[header.indexOf('收案')]).toBe(screen.byUnit[0].counts.received);
    expect(row[header.indexOf('化解率(%)')]).toBe(screen.byUnit[0].rates.settlementRate);
  });

  it('fills the monthly mediation form by category (disputes only)', async () => {
    const res = await get('leader', `/api/stats/mediation-form?month=2026-10&unitId=${unitIds['410871061']}`);
    expect(res.statusCode, res.body).toBe(200);
    const form = res.json();
    expect(form.rows.find((r: { category: string }) => r.category === 'neighbourhood')).toEqual({
      category: 'neighbourhood',
      received: 1,
      concluded: 2,
      settled: 2,
      agreements: 1,
      levelVillage: 1,
      levelTown: 1,
      levelDistrict: 0,
    });
    expect(form.rows.find((r: { category: string }) => r.category === 'labour')).toMatchObject({
      received: 1,
      concluded: 1,
      settled: 0,
      levelDistrict: 1,
    });
    // E is a petition: not in the mediation form.
    expect(form.rows.find((r: { category: string }) => r.category === 'land_acquisition').received).toBe(0);
    const xlsx = await readWorkbook(
      (await get('leader', `/api/stats/mediation-form.xlsx?month=2026-10&unitId=${unitIds['410871061']}`)).rawPayload,
    );
    const sheet = xlsx.get('调解月报')!;
    const header = sheet.find((r) => r[0] === '纠纷类别')!;
    expect(sheet.find((r) => r[0] === '邻里')![header.indexOf('调解成功')]).toBe(1);
    // A, C, D and G are disputes received in October (E is a petition).
    expect(sheet.find((r) => r[0] === '合计')![header.indexOf('收案')]).toBe(4);
    expect((await get('leader', `/api/stats/mediation-form?month=2026-13`)).statusCode).toBe(400);
  });

  it('shows the share of routing suggestions staff of the area took in the period, and "none shown" as null', async () => {
    const street = () => get('wy_leader', `/api/stats/cockpit?from=${FROM}&to=${TO}`).then((r) => r.json().routingAcceptance);
    const district = () => get('leader', `/api/stats/cockpit?from=${FROM}&to=${TO}`).then((r) => r.json().routingAcceptance);
    // Nobody was shown a suggestion yet: no rate at all, not 0 %.
    expect(await street()).toEqual({ shown: 0, accepted: 0, rate: null });
    const { rows } = await ctx.database.pool.query<{ username: string; id: string; district_code: string }>(
      `select username, id, district_code from users where username in ('wy_leader', 'dispatcher')`,
    );
    const user = Object.fromEntries(rows.map((r) => [r.username, r]));
    const d = user.wy_leader!.district_code;
    const feedback = (district: string, userId: string, at: string, isAccepted: boolean) =>
      ctx.database.pool.query(
        `insert into routing_feedback (district_code, model_version, context, is_accepted, user_id, created_at) values ($1, 1, 'dispatch', $2, $3, $4)`,
        [district, isAccepted, userId, at],
      );
    // The street's own staff: three shown in October (its first and last Shanghai instants included), two taken.
    await feedback(d, user.wy_leader!.id, '2026-09-30T16:00:00Z', true);
    await feedback(d, user.wy_leader!.id, '2026-10-15T02:00:00Z', false);
    await feedback(d, user.wy_leader!.id, '2026-10-31T15:59:59Z', true);
    // Outside the period: the last second of September and the first of November (Shanghai).
    await feedback(d, user.wy_leader!.id, '2026-09-30T15:59:59Z', false);
    await feedback(d, user.wy_leader!.id, '2026-10-31T16:00:00Z', false);
    // The district centre's dispatcher: in the district's figure, not the street's.
    await feedback(d, user.dispatcher!.id, '2026-10-10T02:00:00Z', true);
    // Another district's feedback, even under the same user id, counts nowhere here.
    for (let i = 0; i < 4; i++) await feedback('999999', user.wy_leader!.id, '2026-10-10T02:00:00Z', false);
    expect(await street()).toEqual({ shown: 3, accepted: 2, rate: 66.7 });
    expect(await district()).toEqual({ shown: 4, accepted: 3, rate: 75 });
    // The Excel export carries the same figure.
    const book = await readWorkbook((await get('leader', `/api/stats/cockpit.xlsx?from=${FROM}&to=${TO}`)).rawPayload);
    expect(book.get('指标')!.find((r) => r[0] === '智能分类建议采纳率(%)')?.[1]).toBe(75);
  });

  it('runs each of its statements once per view (a drizzle query re-runs on every then)', async () => {
    const statements: string[] = [];
    const db = drizzle(ctx.database.pool, { schema, logger: { logQuery: (query) => statements.push(query) } });
    const actor = await loadActor(ctx.database.db, 'leader');
    const cockpit = await readCockpit({ db, actor, query: { from: FROM, to: TO, grain: 'month' } });
    expect(cockpit.counts.received).toBeGreaterThan(0);
    const runs = (part: RegExp) => statements.filter((q) => part.test(q)).length;
    expect(runs(/date_trunc\(/)).toBe(1); // the trend
    expect(runs(/select d\.dimension, d\.key/)).toBe(1); // the breakdowns
    expect(runs(/grouping\(/)).toBe(1); // the figures by unit, kind and place
    // Nothing else ran twice either.
    expect(new Set(statements).size).toBe(statements.length);
  });

  it('refuses a period that ends before it starts, with a Chinese message', async () => {
    const res = await get('leader', `/api/stats/cockpit?from=2026-10-31&to=2026-10-01`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'PERIOD_INVALID' });
    expect(res.json().message).toMatch(/统计期间/);
  });
});

describe('"三零" creation board (docs/LEGAL-BASIS.md §6)', () => {
  it('counts 零上访 from the cases, takes accidents and crimes as entered with their source, and the share against the target', async () => {
    const post = (who: string, url: string, payload: unknown) =>
      ctx.app.inject({ method: 'POST', url, headers: { cookie: cookies[who]! }, payload: payload as object });
    const put = (who: string, url: string, payload: unknown) =>
      ctx.app.inject({ method: 'PUT', url, headers: { cookie: cookies[who]! }, payload: payload as object });
    const dongfang = (
      await post('dispatcher', '/api/three-zero/units', { name: '东方社区', type: 'community', unitId: unitIds['410871061001'] })
    ).json().id;
    const hanyu = (
      await post('dispatcher', '/api/three-zero/units', { name: '韩愈路社区', type: 'community', unitId: unitIds['410871060001'] })
    ).json().id;
    const school = await post('dispatcher', '/api/three-zero/units', { name: '文苑小学', type: 'school', unitId: unitIds['410871061001'] });
    expect(school.statusCode).toBe(201);
    expect(
      (await post('dispatcher', '/api/three-zero/units', { name: '文苑小学', type: 'school', unitId: unitIds['410871061001'] })).json()
        .code,
    ).toBe('ASSESSED_UNIT_EXISTS');

    const noSource = await put('dispatcher', `/api/three-zero/units/${hanyu}/figures/2026`, { accidents: 0, criminalCases: 0, source: '' });
    expect(noSource.statusCode).toBe(400);
    expect(
      (await put('mediator', `/api/three-zero/units/${hanyu}/figures/2026`, { accidents: 0, criminalCases: 0, source: '区应急局台账' }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await put('dispatcher', `/api/three-zero/units/${hanyu}/figures/2026`, {
          accidents: 0,
          criminalCases: 0,
          source: '区应急局、公安分局 2026 年台账',
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (
        await put('dispatcher', `/api/three-zero/units/${dongfang}/figures/2026`, {
          accidents: 0,
          criminalCases: 0,
          source: '区应急局、公安分局 2026 年台账',
        })
      ).statusCode,
    ).toBe(204);
    expect((await put('admin', '/api/three-zero/targets/2026', { village: 75, organisation: 85 })).statusCode).toBe(204);

    const board = (await get('leader', '/api/three-zero?year=2026')).json();
    const row = (name: string) => board.units.find((u: { name: string }) => u.name === name);
    // 东方社区: A (settled by the street's 司法所), D (by a district department) and E (escalated) went above it.
    expect(row('东方社区')).toMatchObject({ carriedUp: 3, zeroPetition: false, zeroAccident: true, zeroCrime: true, meets: false });
    expect(row('韩愈路社区')).toMatchObject({
      carriedUp: 0,
      zeroPetition: true,
      meets: true,
      enteredBy: '王强',
      source: '区应急局、公安分局 2026 年台账',
    });
    // Nothing entered for the school: not met (未填报), whatever its cases.
    expect(row('文苑小学')).toMatchObject({ group: 'organisation', zeroAccident: null, zeroCrime: null, meets: false });
    expect(board.groups).toEqual({ village: { total: 2, meeting: 1, share: 50 }, organisation: { total: 1, meeting: 0, share: 0 } });
    expect(board.targets).toEqual({ village: 75, organisation: 85, isDefault: false });
    // The street leader sees only 文苑街道's units.
    const street = (await get('wy_leader', '/api/three-zero?year=2026')).json();
    expect(street.units.map((u: { name: string }) => u.name).sort()).toEqual(['东方社区', '文苑小学']);
  });
});

describe('"三零" board in Excel', () => {
  const upload = (who: string, year: number, content: Buffer) => {
    const boundary = `----fq${randomUUID()}`;
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="三零填报.xlsx"\r\nContent-Type: ${XLSX_TYPE}\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return ctx.app.inject({
      method: 'POST',
      url: `/api/three-zero/figures/${year}/import`,
      headers: { cookie: cookies[who]!, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
  };
  /** The exported board with some cells of the unit sheet changed, as a person filling it in would. */
  const filledIn = async (exported: Buffer, edits: Record<string, (string | number | null)[]>, extraRows: (string | number)[][] = []) => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(exported as unknown as ArrayBuffer);
    const ws = book.getWorksheet('创建单位')!;
    ws.eachRow((row) => {
      const edit = edits[String(row.getCell(1).value)];
      // Columns F, H and K: accidents, criminal cases, source.
      if (edit) [6, 8, 11].forEach((c, i) => (row.getCell(c).value = edit[i] ?? null));
    });
    for (const r of extraRows) ws.addRow(r);
    return Buffer.from(await book.xlsx.writeBuffer());
  };

  it('exports the board with the screen’s figures, and imports a filled-in copy all or nothing, logged', async () => {
    const board = (await get('leader', '/api/three-zero?year=2026')).json();
    const res = await get('leader', '/api/three-zero/export.xlsx?year=2026');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const exported = res.rawPayload;
    const sheets = await readWorkbook(exported);
    const summary = sheets.get('达标情况')!;
    const village = summary.find((r) => r[0] === '村(社区)')!;
    expect(village.slice(1, 5)).toEqual([
      board.groups.village.total,
      board.groups.village.meeting,
      board.groups.village.share,
      board.targets.village,
    ]);
    const listed = sheets.get('创建单位')!;
    const header = listed.findIndex((r) => r[0] === '单位名称');
    expect(
      listed
        .slice(header + 1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(board.units.map((u: { name: string }) => u.name).sort());
    const hanyu = listed.find((r) => r[0] === '韩愈路社区')!;
    expect([hanyu[3], hanyu[4], hanyu[5], hanyu[7], hanyu[9], hanyu[10]]).toEqual([0, '是', 0, 0, '是', '区应急局、公安分局 2026 年台账']);

    // A file with an unknown unit, a negative count and a missing source changes nothing and names each row.
    const bad = await upload(
      'dispatcher',
      2026,
      await filledIn(exported, { 文苑小学: [-1, 0, ''] }, [['不存在的单位', '', '', '', '', 0, '', 0, '', '', '区应急局']]),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('THREE_ZERO_IMPORT_INVALID');
    const problems = bad.json().details.problems as { row: number; name: string; reason: string }[];
    expect(problems.map((p) => p.name).sort()).toEqual(['不存在的单位', '文苑小学', '文苑小学']);
    expect(problems.every((p) => p.row > header)).toBe(true);
    expect((await get('leader', '/api/three-zero?year=2026')).json().units).toEqual(board.units);
    expect((await upload('dispatcher', 2026, Buffer.from('not a workbook'))).json().details.problems[0].reason).toContain('Excel');
    expect((await upload('mediator', 2026, exported)).statusCode).toBe(403);

    // The school filled in: 0 accidents, 1 criminal case. 韩愈路社区 is sent back as it was (unchanged, not re-entered).
    const good = await upload('dispatcher', 2026, await filledIn(exported, { 文苑小学: [0, 1, '区公安分局 2026 年案件台账'] }));
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toEqual({ imported: 1, unchanged: 2, skipped: 0 });
    const after = (await get('leader', '/api/three-zero?year=2026')).json();
    expect(after.units.find((u: { name: string }) => u.name === '文苑小学')).toMatchObject({
      accidents: 0,
      criminalCases: 1,
      zeroAccident: true,
      zeroCrime: false,
      meets: false,
      enteredBy: '王强',
      source: '区公安分局 2026 年案件台账',
    });
    expect(after.units.find((u: { name: string }) => u.name === '韩愈路社区').enteredAt).toBe(
      board.units.find((u: { name: string }) => u.name === '韩愈路社区').enteredAt,
    );
    const { rows: logged } = await ctx.database.pool.query(`select data from admin_log where action = 'threeZero.importFigures'`);
    expect(logged).toHaveLength(1);
    expect(logged[0].data).toMatchObject({ fileName: '三零填报.xlsx', imported: [{ accidents: 0, criminalCases: 1 }] });
  });
});

describe('the offline map', () => {
  it('draws the street from its own boundaries and cases, and a grid’s card with its figures and grid worker', async () => {
    const layers = (await get('leader', `/api/map/layers?from=${FROM}&to=${TO}&unitId=${unitIds['410871061']}`)).json();
    expect(layers.isDemoGeometry).toBe(true);
    const codes = layers.boundaries.features.map((f: { properties: { code: string } }) => f.properties.code);
    expect(codes).toContain('41087106100101');
    expect(codes.every((c: string) => c.startsWith('410871061'))).toBe(true);
    expect(layers.cases.map((c: { id: string }) => c.id).sort()).toEqual([ids.A, ids.C, ids.D, ids.E, ids.G].sort());
    expect(layers.cases.every((c: { isPositionApproximate: boolean }) => c.isPositionApproximate)).toBe(true);
    const card = (await get('leader', `/api/map/units/${unitIds['41087106100101']}?from=${FROM}&to=${TO}`)).json();
    expect(card).toMatchObject({ received: 5, concluded: 3, gridWorkers: [{ name: '陈静' }] });
    expect((await get('wy_leader', `/api/map/units/${unitIds['410871060001']}?from=${FROM}&to=${TO}`)).statusCode).toBe(403);
  });

  it('imports boundaries by unit code, reports unknown codes, and refuses an open ring', async () => {
    const ring = [
      [113.2, 35.2],
      [113.21, 35.2],
      [113.21, 35.21],
      [113.2, 35.21],
      [113.2, 35.2],
    ];
    const body = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { code: '41087106000101' }, geometry: { type: 'Polygon', coordinates: [ring] } },
        { type: 'Feature', properties: { code: 'NO-SUCH-UNIT' }, geometry: { type: 'Polygon', coordinates: [ring] } },
      ],
    };
    const post = (who: string, payload: unknown) =>
      ctx.app.inject({ method: 'POST', url: '/api/map/boundaries', headers: { cookie: cookies[who]! }, payload: payload as object });
    expect((await post('leader', body)).statusCode).toBe(403);
    const ok = await post('admin', body);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ updated: 1, unknownCodes: ['NO-SUCH-UNIT'] });
    const { rows } = await ctx.database.pool.query(`select boundary_source, boundary from units where code = '41087106000101'`);
    expect(rows[0]).toMatchObject({ boundary_source: 'imported', boundary: { type: 'Polygon', coordinates: [ring] } });
    const open = await post('admin', {
      ...body,
      features: [{ ...body.features[0], geometry: { type: 'Polygon', coordinates: [ring.slice(0, 4)] } }],
    });
    expect(open.statusCode).toBe(400);
    expect(open.json().code).toBe('BOUNDARY_IMPORT_INVALID');
  });
});

describe('case list export', () => {
  it('exports the filtered list without personal data, and with parties only for roles that may, logged per person', async () => {
    const url = `/api/cases/export.xlsx?figure=received&from=${FROM}&to=${TO}&placeUnitId=${unitIds['410871061']}`;
    const plain = await get('leader', url);
    expect(plain.statusCode, plain.body).toBe(200);
    const sheet = (await readWorkbook(plain.rawPayload)).get('案件清单')!;
    const header = sheet.find((r) => r[0] === '案件编号')!;
    expect(header).not.toContain('当事人');
    expect(sheet.slice(sheet.indexOf(header) + 1)).toHaveLength(5);
    expect(sheet.some((r) => r.some((v) => typeof v === 'string' && v.includes('收案')))).toBe(true);
    expect((await get('leader', `${url}&withParties=true`)).statusCode).toBe(403);
    const before = (await ctx.database.pool.query(`select count(*)::int n from access_log where field = 'case_export'`)).rows[0].n;
    const full = await get('dispatcher', `${url}&withParties=true`);
    expect(full.statusCode).toBe(200);
    const rows = (await readWorkbook(full.rawPayload)).get('案件清单')!;
    const h = rows.find((r) => r[0] === '案件编号')!;
    const partiesCol = h.indexOf('当事人');
    expect(partiesCol).toBeGreaterThan(0);
    expect(rows.some((r) => /申请人\/反映人：.+ 1[3-9]\d{9}/.test(String(r[partiesCol] ?? '')))).toBe(true);
    const after = (await ctx.database.pool.query(`select count(*)::int n from access_log where field = 'case_export'`)).rows[0].n;
    expect(after).toBeGreaterThan(before);
  });
});
