import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { uniqueIdNumber, uniquePhone } from '../../../../test/support/identities.js';
import { SEARCH_WINDOW } from '../cases/cases.repository.js';
import { buildCaseBody } from '../cases/cases.factory.js';
import { backfillSearchIndex } from './case-search-index.js';
import { mergeGinPendingLists } from './gin-pending-lists.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  ctx = await startTestApp();
  for (const u of ['reception', 'dispatcher', 'mediator2', 'grid', 'leader']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

/** A word of our own in every narrative of a test, so other files' cases never count. */
const marker = () => `批次${randomUUID().slice(0, 8)}`;

async function file(narrative: string, overrides: Parameters<typeof buildCaseBody>[0] = {}) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
    payload: buildCaseBody({ summary: '测试事由', narrative, ...overrides }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; code: string };
}

async function search(who: string, q: string) {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/cases?q=${encodeURIComponent(q)}&pageSize=50`,
    headers: { cookie: cookies[who]! },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { total: number; items: { code: string; snippet?: { text: string; hit: boolean }[] }[] };
}

describe('full-text search in Chinese', () => {
  it('finds words however they were cut, and says plainly what it does not find', async () => {
    const m = marker();
    const arrears = await file(`${m} 装修公司拖欠工资三个月，共计一万二千元。`);
    const owed = await file(`${m} 在工地干活，老板欠了三个月工资没发。`);
    const split = await file(`${m} 公司一直拖欠我们的工资。`);
    const codes = async (q: string) => (await search('reception', `${m} ${q}`)).items.map((i) => i.code).sort();

    // 拖欠工资 is one word to jieba; a document that has 拖欠 and 工资 apart is found too.
    expect(await codes('拖欠工资')).toEqual([arrears.code, split.code].sort());
    // "欠了三个月工资没发" has neither 拖欠工资 nor 拖欠 (jieba cuts 欠 | 了 | 三个 | 月工资 …): not found by 拖欠工资 …
    expect(await codes('拖欠工资')).not.toContain(owed.code);
    // … but 工资 finds all three (search mode indexes 工资 inside 月工资), and 欠 finds the one that says 欠.
    expect(await codes('工资')).toEqual([arrears.code, owed.code, split.code].sort());
    expect(await codes('欠')).toEqual([owed.code]);
  });

  it('ranks, marks the matching words, and searches notes added later', async () => {
    const m = marker();
    const c = await file(`${m} 邻居装修噪音扰民，多次协商无果。`);
    const first = await search('reception', `${m} 噪音扰民`);
    expect(first.items[0]!.code).toBe(c.code);
    expect(first.items[0]!.snippet!.filter((p) => p.hit).map((p) => p.text)).toContain('噪音扰民');

    await actOnCaseOk(ctx.app, { cookie: cookies.reception!, readerCookie: cookies.reception! }, c.id, { action: 'accept' });
    expect((await search('reception', `${m} 约谈`)).total).toBe(0);
    await actOnCaseOk(ctx.app, { cookie: cookies.dispatcher!, readerCookie: cookies.dispatcher! }, c.id, {
      action: 'escalate',
      reason: '已约谈装修队负责人，拒不整改',
    });
    expect((await search('reception', `${m} 约谈`)).items.map((i) => i.code)).toEqual([c.code]);
  });

  it('looks in parties’ names and address words only for roles that may see parties', async () => {
    const m = marker();
    const name = `欧阳${m.slice(-4)}`;
    const c = await file(`${m} 与物业公司因车位费发生争执。`, {
      parties: [{ role: 'applicant', type: 'person', name, phone: '13912345678', address: '文苑街道理工大社区9号楼' }],
    });
    expect((await search('reception', name)).items.map((i) => i.code)).toEqual([c.code]);
    expect((await search('reception', `${m} 理工大社区 9号楼`)).items.map((i) => i.code)).toEqual([c.code]);
    // The address is not in the text index in the clear: a role without party access finds nothing by it.
    expect((await search('grid', name)).total).toBe(0);
    const { rows } = await ctx.database.pool.query(`select party_vector::text as v from case_search where case_id = $1`, [c.id]);
    expect(rows[0].v).not.toContain('理工大');
  });

  it('a mobile or ID number lists the cases of the person on file with it, for roles that may see parties', async () => {
    const phone = uniquePhone();
    const idNumber = uniqueIdNumber();
    const byPhone = await file(`${marker()} 邻里噪音`, { parties: [{ role: 'applicant', type: 'person', name: '司马青', phone }] });
    // Later with an ID number and the same phone: the phone finds both cases, the ID number the record that has it.
    const byId = await file(`${marker()} 邻里噪音`, { parties: [{ role: 'applicant', type: 'person', name: '司马青', phone, idNumber }] });
    const other = await file(`${marker()} 邻里噪音`, {
      parties: [{ role: 'applicant', type: 'person', name: '司马红', phone: uniquePhone() }],
    });
    const codes = async (who: string, q: string) => (await search(who, q)).items.map((i) => i.code).sort();
    expect(await codes('reception', phone)).toEqual([byPhone.code, byId.code].sort());
    // Typed as people do: spaces, +86.
    expect(await codes('dispatcher', `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`)).toEqual(
      [byPhone.code, byId.code].sort(),
    );
    expect(await codes('reception', idNumber.toLowerCase())).toEqual([byId.code]);
    expect(await codes('reception', phone)).not.toContain(other.code);
    // The district's leader sees every case but may not search parties: the number finds nothing (nor a case code).
    expect((await search('leader', phone)).total).toBe(0);
  });

  it('never returns cases outside the searcher’s jurisdiction', async () => {
    const m = marker();
    const inWenyuan = await file(`${m} 宅基地边界纠纷，双方各执一词。`);
    expect((await search('dispatcher', `${m} 宅基地`)).items.map((i) => i.code)).toEqual([inWenyuan.code]);
    // 李万街道's mediator and a grid worker of another grid find nothing, though the words match.
    expect((await search('mediator2', `${m} 宅基地`)).total).toBe(0);
    const otherGrid = await file(`${m} 宅基地纠纷（第二网格）`, { place: { address: '东方社区', unitCode: '41087106100102' } });
    const gridSees = (await search('grid', `${m} 宅基地`)).items.map((i) => i.code);
    expect(gridSees).not.toContain(otherGrid.code);
    expect(gridSees).not.toContain(inWenyuan.code);
  });

  it('fills the index of cases that predate it', async () => {
    const m = marker();
    const c = await file(`${m} 劳务合同纠纷。`);
    await ctx.database.pool.query('delete from case_search where case_id = $1', [c.id]);
    expect((await search('reception', `${m} 劳务`)).total).toBe(0);
    expect(await backfillSearchIndex(ctx.database.db, ctx.app.deps.crypto)).toBeGreaterThanOrEqual(1);
    expect((await search('reception', `${m} 劳务`)).items.map((i) => i.code)).toEqual([c.code]);
  });

  it('merges the GIN indexes’ pending lists in the background without losing an entry', async () => {
    // A table of this test's own (the shared tables' lists also take other files' cases meanwhile).
    const table = `gin_pending_${randomUUID().slice(0, 8)}`;
    await ctx.database.pool.query(`create table ${table} (v tsvector)`);
    await ctx.database.pool.query(`create index ${table}_idx on ${table} using gin (v)`);
    try {
      await ctx.database.pool.query(
        `insert into ${table} select to_tsvector('simple', '词' || g || ' 纠纷') from generate_series(1, 300) g`,
      );
      const m = marker();
      const c = await file(`${m} 相邻关系纠纷。`);
      const first = await mergeGinPendingLists(ctx.database.db);
      expect(first.get(`${table}_idx`)).toBeGreaterThan(0);
      expect(first.has('case_search_text_idx')).toBe(true);
      expect((await mergeGinPendingLists(ctx.database.db)).get(`${table}_idx`)).toBe(0);
      // The entries moved into the index proper: still found.
      const { rows } = await ctx.database.pool.query(`select count(*)::int as n from ${table} where v @@ to_tsquery('simple', '纠纷')`);
      expect(rows[0].n).toBe(300);
      expect((await search('reception', `${m} 相邻`)).items.map((i) => i.code)).toEqual([c.code]);
    } finally {
      await ctx.database.pool.query(`drop table ${table}`);
    }
  });
  it('pages beyond the ranked window neither repeat nor skip a match', async () => {
    const m = marker();
    // SEARCH_WINDOW + 30 matches; the oldest 30 say the searched words three times, so they outrank the newest block.
    const filed: string[] = [];
    for (let i = 0; i < SEARCH_WINDOW + 30; i++)
      filed.push((await file(i < 30 ? `${m} 漏水，${m} 漏水，${m} 漏水。` : `${m} 楼上的卫生间长期漏水，墙面发霉。`)).code);
    const pageThrough = async (who: string) => {
      const seen: string[] = [];
      for (let page = 1; seen.length < filed.length && page <= 10; page++) {
        const res = await ctx.app.inject({
          method: 'GET',
          url: `/api/cases?q=${encodeURIComponent(`${m} 漏水`)}&pageSize=20&page=${page}`,
          headers: { cookie: cookies[who]! },
        });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as { items: { code: string }[]; total: number; isTotalEstimate: boolean };
        // Counted, whichever read found the page (the newest cases walked, a period, or all): the pager reaches every match.
        expect(body).toMatchObject({ total: filed.length, isTotalEstimate: false });
        seen.push(...body.items.map((i) => i.code));
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...filed].sort());
    };
    await pageThrough('dispatcher');
    await pageThrough('leader');
    // Registered in the same instant (a batch of one statement, an import): the window's edge falls among equal times,
    // and which of them the window holds must be the same for every page (the case's id settles the order).
    const { rowCount } = await ctx.database.pool.query(
      `update case_search s set case_created_at = (select min(t.case_created_at) from case_search t
           join cases c on c.district_code = t.district_code and c.id = t.case_id where c.code = any($1))
         from cases c where c.district_code = s.district_code and c.id = s.case_id and c.code = any($1)`,
      [filed],
    );
    expect(rowCount).toBe(filed.length);
    await pageThrough('dispatcher');
    await pageThrough('leader');
  });
});
