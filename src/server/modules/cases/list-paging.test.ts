import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { addDays, shanghaiDate, startOfShanghaiDate } from '../../../shared/calendar.js';
import { tokenize } from '../../lib/chinese-text.js';
import { buildCaseBody } from './cases.factory.js';
import { EXACT_COUNT_UP_TO, SUBTREE_BY_IDS_FROM } from './cases.repository.js';

// A database of its own: the test moves cases' registration times and counts every case it sees.
let ctx: TestContext;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  ctx = await startTestApp({ isolated: true });
  for (const u of ['reception', 'dispatcher', 'handler']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

const register = (summary: string, unitCode?: string) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
    payload: buildCaseBody(unitCode ? { summary, place: { address: `${summary}（${randomUUID()}）`, unitCode } } : { summary }),
  });

async function page(query: string, as = 'dispatcher') {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/cases?${query}`, headers: { cookie: cookies[as]! } });
  expect(res.statusCode).toBe(200);
  return res.json() as { items: { id: string }[]; total: number; isTotalEstimate: boolean; nextCursor: string | null };
}

describe('case list paging', () => {
  it('keyset pages list exactly the offset pages of a shuffled set, and cases arriving meanwhile shift nothing', async () => {
    // 30 cases registered at once (natural batching gives many the same registration time), then their times
    // shuffled among five instants a week ago: ties everywhere, so the order rests on (created_at, id).
    const made = await Promise.all(Array.from({ length: 30 }, (_, i) => register(`分页测试 ${i}`)));
    expect(made.every((r) => r.statusCode === 201)).toBe(true);
    const ids = made.map((r) => r.json().id as string);
    const instants = Array.from({ length: 5 }, (_, k) => new Date(Date.now() - 7 * 86_400_000 + k * 60_000));
    for (const [i, id] of ids.entries())
      await ctx.database.pool.query('update cases set created_at = $2 where id = $1', [id, instants[(i * 7) % instants.length]]);
    const { rows: expected } = await ctx.database.pool.query<{ id: string }>(
      'select id from cases where id = any($1::uuid[]) order by created_at desc, id desc',
      [ids],
    );

    // By page number, nothing arriving.
    const byOffset: string[] = [];
    for (let p = 1; p <= 5; p++) {
      const r = await page(`pageSize=7&page=${p}`);
      byOffset.push(...r.items.map((x) => x.id));
      expect(r.total).toBe(30);
      expect(r.isTotalEstimate).toBe(false);
      expect(r.nextCursor === null).toBe(p === 5);
    }
    expect(byOffset).toEqual(expected.map((r) => r.id));

    // By keyset, two new cases registered before each next page: they are newer than every listed case.
    const byKeyset: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await page(`pageSize=7&page=${pages + 1}${cursor ? `&after=${cursor}` : ''}`);
      byKeyset.push(...r.items.map((x) => x.id));
      cursor = r.nextCursor;
      pages++;
      const arrived = await Promise.all([register('分页期间新到'), register('分页期间新到')]);
      expect(arrived.every((a) => a.statusCode === 201)).toBe(true);
    } while (cursor && pages < 10);
    expect(pages).toBe(5);
    expect(new Set(byKeyset).size).toBe(byKeyset.length);
    expect(byKeyset).toEqual(expected.map((r) => r.id));

    // Whereas page numbers now shift: page 2 by offset repeats what page 1 showed before the arrivals.
    const shifted = await page('pageSize=7&page=2');
    expect(shifted.items.map((x) => x.id)).not.toEqual(byOffset.slice(7, 14));
  });

  it('counts exactly up to the threshold and gives a marked estimate beyond it', async () => {
    const one = (await register('计数测试')).json();
    // Copies of one case, straight into the table (the API would take a while for a thousand).
    await ctx.database.pool.query(
      `insert into cases (district_code, id, code, tracking_token, channel, kind, category, summary, narrative, people_involved,
                          risk_level, unit_id, unit_path, registered_by, status, created_at)
       select district_code, gen_random_uuid(), code || '-' || g, tracking_token || g, channel, kind, 'consumer', summary, narrative,
              people_involved, risk_level, unit_id, unit_path, registered_by, status, created_at - g * interval '1 second'
       from cases, generate_series(1, $2::int) g where id = $1`,
      [one.id, EXACT_COUNT_UP_TO + 200],
    );
    await ctx.database.pool.query('analyze cases');
    const r = await page('category=consumer&pageSize=20');
    expect(r.isTotalEstimate).toBe(true);
    expect(r.total).toBeGreaterThan(EXACT_COUNT_UP_TO);
    // The estimate of a simple filter on fresh statistics is close to the truth.
    expect(Math.abs(r.total - (EXACT_COUNT_UP_TO + 200)) / (EXACT_COUNT_UP_TO + 200)).toBeLessThan(0.25);
    expect(r.items).toHaveLength(20);
    const small = await page('category=consumer&status=rejected');
    expect(small).toMatchObject({ total: 0, isTotalEstimate: false, nextCursor: null });
  });

  it('counts every page anew: a remembered planner estimate never freezes an exact total', async () => {
    const summary = `重数测试${randomUUID().slice(0, 6)}`;
    const filters = `q=${encodeURIComponent(summary)}&status=registered&pageSize=2`;
    const plain = `status=registered&handlerId=${randomUUID()}&pageSize=2`;
    for (let n = 1; n <= 3; n++) {
      expect((await register(summary)).statusCode).toBe(201);
      // The same statement each time (its estimate remembered): the total still follows every new case.
      expect(await page(filters)).toMatchObject({ total: n, isTotalEstimate: false });
      expect(await page(`${filters}&page=2`)).toMatchObject({ total: n, isTotalEstimate: false });
      expect(await page(plain)).toMatchObject({ total: 0, isTotalEstimate: false });
    }
  });

  it('counts a search of several common words exactly up to the threshold, and marks the total beyond it', async () => {
    // Two words found together in 1,200 cases: the planner, taking them for independent, expects far fewer (docs/SEARCH.md),
    // so the search counts the first thousand itself, newest first, and says when there are more.
    const words = `核对${randomUUID().slice(0, 6)} 漏水`;
    const one = (await register('搜索计数测试')).json();
    const { rows: made } = await ctx.database.pool.query<{ id: string }>(
      `insert into cases (district_code, id, code, tracking_token, channel, kind, category, summary, narrative, people_involved,
                          risk_level, unit_id, unit_path, registered_by, status, created_at)
       select district_code, gen_random_uuid(), code || '-S' || g, tracking_token || 'S' || g, channel, kind, category, summary, narrative,
              people_involved, risk_level, unit_id, unit_path, registered_by, status, created_at - g * interval '1 second'
       from cases, generate_series(1, $2::int) g where id = $1 returning id`,
      [one.id, EXACT_COUNT_UP_TO + 200],
    );
    await ctx.database.pool.query(
      `insert into case_search (district_code, case_id, search_vector, party_vector, case_created_at)
       select c.district_code, c.id, to_tsvector('simple', $2), ''::tsvector, c.created_at from cases c where c.id = any($1::uuid[])
       on conflict (district_code, case_id) do update set search_vector = excluded.search_vector`,
      [made.map((r) => r.id), tokenize(words).join(' ')],
    );
    await ctx.database.pool.query('analyze case_search');
    const q = `q=${encodeURIComponent(words)}&pageSize=20`;
    const many = await page(q);
    expect(many.isTotalEstimate).toBe(true);
    expect(many.total).toBeGreaterThan(EXACT_COUNT_UP_TO);
    expect(many.items).toHaveLength(20);
    expect(many.items.every((i) => made.some((m) => m.id === i.id))).toBe(true);

    // 300 of them no longer say the words: 900, counted exactly.
    await ctx.database.pool.query(`update case_search set search_vector = ''::tsvector where case_id = any($1::uuid[])`, [
      made.slice(0, 300).map((r) => r.id),
    ]);
    const fewer = await page(q);
    expect(fewer).toMatchObject({ total: EXACT_COUNT_UP_TO - 100, isTotalEstimate: false });
  });

  it("lists a unit's subtree: the cases placed anywhere under it and those a unit under it leads, as their paths say", async () => {
    const unit = async (code: string) =>
      (await ctx.database.pool.query<{ id: string; path: string }>('select id, path from units where code = $1', [code])).rows[0]!;
    const street = await unit('410871061');
    const judicialOffice = await unit('410871061-SFS');
    // Placed in a community of the street; placed in another street's community but led by the street's judicial
    // office; placed in the other street and left there.
    const under = (await register('辖区列表测试 本街道', '410871061201')).json();
    const led = (await register('辖区列表测试 牵头', '410871060201')).json();
    const elsewhere = (await register('辖区列表测试 外街道', '410871060202')).json();
    for (const c of [under, led, elsewhere]) expect(c.id).toBeTruthy();
    const as = { cookie: cookies.dispatcher!, readerCookie: cookies.dispatcher! };
    await actOnCaseOk(ctx.app, as, led.id, { action: 'accept' });
    await actOnCaseOk(ctx.app, as, led.id, { action: 'dispatch', leadUnitId: judicialOffice.id });
    // On a day of their own, so that the truth below is these cases and nothing else of the file.
    const day = addDays(shanghaiDate(new Date()), -20);
    await ctx.database.pool.query(`update cases set created_at = $2 where id = any($1::uuid[])`, [
      [under.id, led.id, elsewhere.id],
      new Date(startOfShanghaiDate(day).getTime() + 3_600_000),
    ]);
    // The truth by the cases' paths, the rule the list had before it filtered by the units' ids.
    const truth = async (condition: string) =>
      (
        await ctx.database.pool.query<{ id: string }>(
          `select id from cases where created_at >= $1 and created_at < $2 and (${condition}) order by created_at desc, id desc`,
          [startOfShanghaiDate(day), startOfShanghaiDate(addDays(day, 1))],
        )
      ).rows.map((r) => r.id);
    const prefix = `'${street.path}%'`;
    // The street is filtered by its units' ids, the community and the office below by their paths: both forms tried.
    const unitsUnder = async (path: string) =>
      (await ctx.database.pool.query<{ n: number }>('select count(*)::int as n from units where path like $1', [`${path}%`])).rows[0]!.n;
    expect(await unitsUnder(street.path)).toBeGreaterThanOrEqual(SUBTREE_BY_IDS_FROM);
    expect(await unitsUnder(judicialOffice.path)).toBeLessThan(SUBTREE_BY_IDS_FROM);

    const byUnit = await page(`unitId=${street.id}&from=${day}&to=${day}&pageSize=100`);
    const unitTruth = await truth(`unit_path like ${prefix} or lead_unit_path like ${prefix}`);
    expect(byUnit.items.map((i) => i.id)).toEqual(unitTruth);
    expect(byUnit).toMatchObject({ total: unitTruth.length, isTotalEstimate: false });
    expect(unitTruth).toContain(under.id);
    expect(unitTruth).toContain(led.id);
    expect(unitTruth).not.toContain(elsewhere.id);

    // A community (a few units: by its path) and the judicial office leading one of them, likewise.
    for (const [small, holds] of [
      [await unit('410871061201'), under.id],
      [judicialOffice, led.id],
    ] as const) {
      const listed = await page(`unitId=${small.id}&from=${day}&to=${day}&pageSize=100`);
      const smallTruth = await truth(`unit_path like '${small.path}%' or lead_unit_path like '${small.path}%'`);
      expect(listed.items.map((i) => i.id)).toEqual(smallTruth);
      expect(smallTruth).toEqual([holds]);
    }

    // Where it happened: the cases placed under the street, whoever leads them.
    const byPlace = await page(`placeUnitId=${street.id}&from=${day}&to=${day}&pageSize=100`);
    const placeTruth = await truth(`unit_path like ${prefix}`);
    expect(byPlace.items.map((i) => i.id)).toEqual(placeTruth);
    expect(placeTruth).toContain(under.id);
    expect(placeTruth).not.toContain(led.id);

    // Placed in the community (its path): only the case placed there. The district's own centre: every case.
    const community = await unit('410871061201');
    const inCommunity = await page(`placeUnitId=${community.id}&from=${day}&to=${day}&pageSize=100`);
    expect(inCommunity.items.map((i) => i.id)).toEqual(await truth(`unit_path like '${community.path}%'`));
    expect(inCommunity.items.map((i) => i.id)).toEqual([under.id]);
    const wholeDistrict = await page(`unitId=${await unit('410871').then((u) => u.id)}&from=${day}&to=${day}&pageSize=100`);
    expect(wholeDistrict.items.map((i) => i.id)).toEqual(await truth('true'));
    expect(wholeDistrict.items.map((i) => i.id)).toEqual(expect.arrayContaining([under.id, led.id, elsewhere.id]));

    // With no filter but status and category, a district-level user's list under a street is counted by the units'
    // ids, placed there plus led from there and placed elsewhere (countUnderUnits): a case both placed under the
    // street and led from it is counted once. The truth: every case of the file's database, by the paths.
    const both = (await register('辖区列表测试 本街道且牵头', '410871061202')).json();
    await actOnCaseOk(ctx.app, as, both.id, { action: 'accept' });
    await actOnCaseOk(ctx.app, as, both.id, { action: 'dispatch', leadUnitId: judicialOffice.id });
    const { category } = buildCaseBody({});
    const truthAll = async (condition: string) =>
      (
        await ctx.database.pool.query<{ id: string }>(
          `select id from cases where (${condition}) and (unit_path like ${prefix} or lead_unit_path like ${prefix})
           order by created_at desc, id desc`,
        )
      ).rows.map((r) => r.id);
    for (const [filters, condition] of [
      ['status=dispatched', "status = 'dispatched'"],
      [`status=dispatched&category=${category}`, `status = 'dispatched' and category = '${category}'`],
      [`category=${category}&status=accepted&status=dispatched`, `category = '${category}' and status in ('accepted', 'dispatched')`],
      ['', 'true'],
    ] as const) {
      const listed = await page(`unitId=${street.id}&${filters}&pageSize=100`);
      const all = await truthAll(condition);
      // Beyond EXACT_COUNT_UP_TO (the other tests of the file register more than a thousand cases), an estimate.
      expect(listed, filters).toMatchObject(
        all.length <= EXACT_COUNT_UP_TO ? { total: all.length, isTotalEstimate: false } : { isTotalEstimate: true },
      );
      expect(listed.items.map((i) => i.id)).toEqual(all.slice(0, 100));
    }
    expect(await truthAll("status = 'dispatched'")).toEqual(expect.arrayContaining([led.id, both.id]));

    // No such unit: nothing, not everything.
    expect(await page(`unitId=${randomUUID()}&from=${day}&to=${day}`)).toMatchObject({ items: [], total: 0 });
  });

  it("lists a co-unit's cases to its staff, and only those of the cases elsewhere", async () => {
    const unit = async (code: string) =>
      (await ctx.database.pool.query<{ id: string }>('select id from units where code = $1', [code])).rows[0]!.id;
    // The handler works at the labour inspectorate (劳动监察): co-unit of one case, not of the other; both led elsewhere.
    const withUs = (await register('协办列表测试 协办', '410871060201')).json();
    const without = (await register('协办列表测试 未协办', '410871060201')).json();
    const as = { cookie: cookies.dispatcher!, readerCookie: cookies.dispatcher! };
    for (const [c, coUnitIds] of [
      [withUs, [await unit('410871-RSJ-LDJC')]],
      [without, []],
    ] as const) {
      await actOnCaseOk(ctx.app, as, c.id, { action: 'accept' });
      await actOnCaseOk(ctx.app, as, c.id, { action: 'dispatch', leadUnitId: await unit('410871060-SFS'), coUnitIds });
    }
    const day = addDays(shanghaiDate(new Date()), -30);
    await ctx.database.pool.query(`update cases set created_at = $2 where id = any($1::uuid[])`, [
      [withUs.id, without.id],
      new Date(startOfShanghaiDate(day).getTime() + 3_600_000),
    ]);
    for (const query of [`from=${day}&to=${day}`, `from=${day}&to=${day}&mine=true`]) {
      const listed = (await page(query, 'handler')).items.map((i) => i.id);
      expect(listed, query).toContain(withUs.id);
      expect(listed, query).not.toContain(without.id);
    }
  });
});
