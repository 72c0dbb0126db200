import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../../shared/calendar.js';
import type { ImportResult } from '../../../shared/schemas/imports.js';
import { signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { uniqueIdNumber, uniquePhone } from '../../../../test/support/identities.js';
import { guessColumns, parseImportDate } from './plan-import.js';

/**
 * Bringing an older system's records in: a generated file with bad rows — the dry run names each with its reasons
 * (an unknown unit with the closest one), the import takes the rest in batches, and importing the same file again adds
 * nothing (rows keyed by the source's own case number). Imported cases are found by search, counted in the figures,
 * and carry no clock and no message. Their applicants and respondents are the registry's persons, as registrations'
 * are: the same ID number in two rows is one person, and the related-case preview finds the imported cases by it.
 */
let ctx: TestContext;
let admin: string;
const run = randomUUID().slice(0, 8);
const today = shanghaiDate(new Date());
const day = (n: number) => addDays(today, -n);

function multipart(file: { name: string; content: Buffer }, mapping?: object) {
  const boundary = `----fq${randomUUID()}`;
  const parts: Buffer[] = [];
  if (mapping)
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="mapping"\r\n\r\n${JSON.stringify(mapping)}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file.content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function send(file: { name: string; content: Buffer }, query: string, mapping?: object) {
  const body = multipart(file, mapping);
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/imports/cases?${query}`,
    headers: { cookie: admin, ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ImportResult;
}

const HEADERS = [
  '案件编号',
  '登记日期',
  '来源',
  '纠纷类别',
  '事由',
  '反映内容',
  '所属社区',
  '主办单位',
  '办理结果',
  '办结日期',
  '申请人',
  '身份证号',
  '电话',
  '被申请人',
  '被申请人身份证号',
];
/** One applicant in rows 1 and 3 (one registry person), a respondent company, a respondent person with a phone. */
const ID_ZHANG = uniqueIdNumber();
const ID_LI = uniqueIdNumber();
const PHONE_LI = uniquePhone();
const COMPANY = `${run}建筑公司`;
/** A valid ID number with its check character changed: wrong by GB 11643. */
const BAD_ID = (() => {
  const id = uniqueIdNumber();
  return id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
})();
const good = (n: number, extra: Partial<Record<string, string>> = {}) => ({
  案件编号: `OLD-${run}-${n}`,
  登记日期: day(40 + n),
  来源: n % 2 ? '来访' : '12345热线',
  纠纷类别: n % 3 ? '劳资纠纷' : '邻里纠纷',
  事由: `旧系统案件${run}第${n}件`,
  反映内容: n % 3 ? `包工头拖欠工资${run}` : `楼上漏水${run}`,
  所属社区: '韩愈路社区',
  主办单位: '文苑街道司法所',
  办理结果: n % 4 ? '调解成功' : '调解不成',
  办结日期: day(30 + n),
  申请人: '张某',
  身份证号: '',
  电话: '',
  被申请人: '',
  被申请人身份证号: '',
  ...extra,
});
const ROWS = [
  good(1, { 身份证号: ID_ZHANG, 被申请人: COMPANY }),
  good(2, { 登记日期: '2023-02-30' }), // no such day
  good(3, { 身份证号: ID_ZHANG, 电话: uniquePhone(), 被申请人: '李某', 被申请人身份证号: ID_LI }),
  good(4, { 主办单位: '文苑街到司法所' }), // a typo: closest unit suggested
  good(5, { 身份证号: '110105194912310021' }), // wrong check character
  good(6),
  good(7, { 事由: '' }),
  good(8),
  good(9, { 案件编号: `OLD-${run}-1` }), // the same source number twice
  good(10),
  good(11, { 申请人: '李某', 电话: PHONE_LI }), // the respondent of row 3 (no ID number here): a person of their own
  good(12, { 被申请人: '王某', 被申请人身份证号: BAD_ID }), // the respondent's ID number is wrong
  good(13, { 申请人: '张某某', 身份证号: ID_ZHANG }), // row 1's ID number under another name: for the admin to correct
];
const GOOD_COUNT = 6;

function csv(): Buffer {
  const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [HEADERS.join(','), ...ROWS.map((r) => HEADERS.map((h) => esc((r as Record<string, string>)[h] ?? '')).join(','))];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`);
}

beforeAll(async () => {
  ctx = await startTestApp();
  admin = await signIn(ctx.app, 'admin');
});
afterAll(() => ctx?.close());

const idOf = async (n: number) =>
  (await ctx.database.pool.query(`select id from cases where source_case_number = $1`, [`OLD-${run}-${n}`])).rows[0].id as string;
/** The parties of this run's imported cases, and the registry persons holding this run's ID numbers. */
const countParties = async () => {
  const parties = await ctx.database.pool.query(
    `select count(*)::int as n from case_parties p join cases c on c.district_code = p.district_code and c.id = p.case_id where c.source_case_number like $1`,
    [`OLD-${run}-%`],
  );
  const persons = await ctx.database.pool.query(`select count(*)::int as n from persons where id_number_hash = $1`, [
    ctx.app.deps.crypto.lookupHash(ID_ZHANG),
  ]);
  return { parties: parties.rows[0].n as number, persons: persons.rows[0].n as number };
};
const countImported = async () =>
  Number((await ctx.database.pool.query(`select count(*) from cases where source_case_number like $1`, [`OLD-${run}-%`])).rows[0].count);

describe('importing an older system’s case records', () => {
  it('guesses Chinese headers and reads old systems’ dates', () => {
    expect(guessColumns(HEADERS)).toMatchObject({
      sourceCaseNumber: '案件编号',
      registeredOn: '登记日期',
      channel: '来源',
      category: '纠纷类别',
      summary: '事由',
      narrative: '反映内容',
      placeUnit: '所属社区',
      leadUnit: '主办单位',
      outcome: '办理结果',
      concludedOn: '办结日期',
      applicantName: '申请人',
      applicantIdNumber: '身份证号',
      applicantPhone: '电话',
      respondentName: '被申请人',
      respondentIdNumber: '被申请人身份证号',
    });
    expect(parseImportDate('2024年3月5日')?.toISOString()).toBe('2024-03-05T01:00:00.000Z');
    expect(parseImportDate('2024/3/5 14:30')?.toISOString()).toBe('2024-03-05T06:30:00.000Z');
    expect(parseImportDate('2024-02-30')).toBeUndefined();
  });

  it('the dry run names every bad row and why, suggests the closest unit, and saves nothing', async () => {
    const r = await send({ name: 'old.csv', content: csv() }, 'dryRun=true');
    expect(r.total).toBe(ROWS.length);
    expect(r.badRows.map((b) => b.row)).toEqual([3, 5, 6, 8, 10, 13, 14]);
    const reasons = Object.fromEntries(r.badRows.map((b) => [b.row, b.reasons.join('；')]));
    expect(reasons[3]).toContain('登记日期“2023-02-30”不是有效日期');
    expect(reasons[5]).toContain('主办单位“文苑街到司法所”不存在，最接近的是“文苑街道司法所”');
    expect(r.badRows.find((b) => b.row === 5)!.closestUnit).toMatchObject({ code: '410871061-SFS' });
    expect(reasons[6]).toContain('身份证号码');
    expect(reasons[8]).toContain('缺少事由');
    expect(reasons[10]).toContain('与第 2 行重复');
    expect(reasons[13]).toContain(`被申请人身份证号码“${BAD_ID}”不正确`);
    expect(reasons[14]).toBe('申请人身份证号码已登记在“张某”名下，与本行姓名“张某某”不一致');
    // The value table: the old system's words with what they map to.
    expect(r.values.find((v) => v.field === 'category' && v.raw === '劳资纠纷')).toMatchObject({ value: 'labour' });
    expect(r.values.find((v) => v.field === 'channel' && v.raw === '12345热线')).toMatchObject({ value: 'phone' });
    expect(r.values.find((v) => v.field === 'outcome' && v.raw === '调解不成')).toMatchObject({ value: 'no_agreement' });
    expect(r.imported).toBe(0);
    expect(await countImported()).toBe(0);
    expect(await countParties()).toEqual({ parties: 0, persons: 0 });
  });

  it('imports the good rows in batches, resumably; importing the same file again adds nothing', async () => {
    const file = { name: 'old.csv', content: csv() };
    // The first batch, then "an interruption": the next request starts again from the beginning.
    const first = await send(file, 'dryRun=false&offset=0&limit=4');
    expect(first).toMatchObject({ imported: 2, nextOffset: 4 });
    let offset: number | null = 0;
    let imported = 0;
    let already = 0;
    while (offset !== null) {
      const r = await send(file, `dryRun=false&offset=${offset}&limit=4`);
      imported += r.imported;
      already += r.alreadyImported;
      offset = r.nextOffset;
    }
    expect(imported + 2).toBe(GOOD_COUNT);
    expect(already).toBe(2);
    expect(await countImported()).toBe(GOOD_COUNT);

    const before = await countParties();
    const again = await send(file, 'dryRun=false&offset=0&limit=100');
    expect(again).toMatchObject({ imported: 0, alreadyImported: GOOD_COUNT, nextOffset: null });
    // The refused row is listed again, and the file a second time adds no case, no party and no person.
    expect(again.badRows.map((b) => b.row)).toContain(14);
    expect(await countImported()).toBe(GOOD_COUNT);
    expect(await countParties()).toEqual(before);
    expect(before.persons).toBe(1);
  });

  it('imported cases keep their parties, linked to the registry as registrations are', async () => {
    const { rows } = await ctx.database.pool.query<{
      source: string;
      role: string;
      type: string;
      name: string;
      person_id: string;
      has_id: boolean;
      has_phone: boolean;
    }>(
      `select c.source_case_number as source, p.role, p.type, p.name, p.person_id, p.id_number_enc is not null as has_id, p.phone_enc is not null as has_phone
       from cases c join case_parties p on p.district_code = c.district_code and p.case_id = c.id
       where c.source_case_number in ($1, $2, $3) order by c.source_case_number, p.position`,
      [`OLD-${run}-1`, `OLD-${run}-3`, `OLD-${run}-11`],
    );
    const of = (n: number) => rows.filter((r) => r.source === `OLD-${run}-${n}`);
    expect(of(1).map((r) => [r.role, r.type, r.name, r.has_id])).toEqual([
      ['applicant', 'person', '张某', true],
      ['respondent', 'organization', COMPANY, false],
    ]);
    expect(of(3).map((r) => [r.role, r.type, r.name, r.has_id, r.has_phone])).toEqual([
      ['applicant', 'person', '张某', true, true],
      ['respondent', 'person', '李某', true, false],
    ]);
    // The same ID number in two rows is one registry person.
    expect(of(3)[0]!.person_id).toBe(of(1)[0]!.person_id);
    const crypto = ctx.app.deps.crypto;
    const zhang = await ctx.database.pool.query(`select id from persons where id_number_hash = $1`, [crypto.lookupHash(ID_ZHANG)]);
    expect(zhang.rows).toHaveLength(1);
    expect(zhang.rows[0].id).toBe(of(1)[0]!.person_id);
    // 李某 of row 11 came with a phone only: not made one with row 3's 李某 (a name and no shared key).
    expect(of(11)[0]!.person_id).not.toBe(of(3)[1]!.person_id);
    // The party's personal data is stored encrypted, as registrations store it.
    const { rows: enc } = await ctx.database.pool.query(`select id_number_enc from case_parties where person_id = $1 limit 1`, [
      of(1)[0]!.person_id,
    ]);
    expect(crypto.decrypt(enc[0].id_number_enc)).toBe(ID_ZHANG);

    // The related-case preview of a new visit by the same ID number finds the person and both imported cases.
    const preview = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases/related-preview',
      headers: { cookie: admin },
      payload: { summary: '又来反映工资问题', parties: [{ role: 'applicant', type: 'person', name: '张某', idNumber: ID_ZHANG }] },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const found = preview.json();
    expect(found.person).toMatchObject({ id: of(1)[0]!.person_id, matchedBy: 'id_number', caseCount: 2 });
    const ids = (
      await ctx.database.pool.query(`select id from cases where source_case_number in ($1, $2)`, [`OLD-${run}-1`, `OLD-${run}-3`])
    ).rows.map((r) => r.id);
    expect(found.related.map((r: { caseId: string }) => r.caseId)).toEqual(expect.arrayContaining(ids));

    // Searched by a party's name, too.
    const byName = await ctx.app.inject({ method: 'GET', url: `/api/cases?q=${encodeURIComponent(COMPANY)}`, headers: { cookie: admin } });
    expect(byName.statusCode, byName.body).toBe(200);
    expect(byName.json().items.map((c: { id: string }) => c.id)).toContain(await idOf(1));
  });

  it('imported cases keep what was recorded, are found by search and counted, and start no clock and send nothing', async () => {
    const { rows } = await ctx.database.pool.query(
      `select c.id, c.status, c.channel, c.category, c.outcome, c.code, (select count(*) from case_clocks k where k.case_id = c.id)::int clocks,
         (select count(*) from outbox o where o.district_code = c.district_code and o.case_id = c.id)::int messages,
         (select count(*) from case_stats s where s.case_id = c.id)::int stats
       from cases c where c.source_case_number = $1`,
      [`OLD-${run}-1`],
    );
    expect(rows[0]).toMatchObject({
      status: 'archived',
      channel: 'walk_in',
      category: 'labour',
      outcome: 'agreement',
      clocks: 0,
      messages: 0,
      stats: 1,
    });
    const found = await ctx.app.inject({
      method: 'GET',
      url: `/api/cases?q=${encodeURIComponent(`旧系统案件${run}第3件`)}`,
      headers: { cookie: admin },
    });
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().items.map((c: { id: string }) => c.id)).toContain(
      (await ctx.database.pool.query(`select id from cases where source_case_number = $1`, [`OLD-${run}-3`])).rows[0].id,
    );
  });

  it('reads XLSX too, with the admin’s own value table', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('案件');
    sheet.addRow(['编号', '受理日期', '类型', '事由', '承办单位']);
    sheet.addRow([`OLD-${run}-X1`, new Date(`${day(50)}T00:00:00Z`), '甲类', 'Excel 导入的案件', '区人社局劳动保障监察大队']);
    const content = Buffer.from(await book.xlsx.writeBuffer());
    const dry = await send({ name: 'old.xlsx', content }, 'dryRun=true', { columns: { category: '类型' } });
    expect(dry.badRows[0]!.reasons).toContain('类别“甲类”尚未对应到本平台的类别');
    const done = await send({ name: 'old.xlsx', content }, 'dryRun=false', {
      columns: { category: '类型' },
      values: { category: { 甲类: 'labour' } },
    });
    expect(done).toMatchObject({ imported: 1, badRows: [] });
  });

  it('is for the admin only', async () => {
    const body = multipart({ name: 'old.csv', content: csv() });
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/imports/cases?dryRun=true',
      headers: { cookie: await signIn(ctx.app, 'dispatcher'), ...body.headers },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(403);
  });
});
