import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../../shared/calendar.js';
import type { ImportResult } from '../../../shared/schemas/imports.js';
import { signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { guessColumns, parseImportDate } from './plan-import.js';

/**
 * Bringing an older system's records in: a generated file with bad rows — the dry run names each with its reasons
 * (an unknown unit with the closest one), the import takes the rest in batches, and importing the same file again adds
 * nothing (rows keyed by the source's own case number). Imported cases are found by search, counted in the figures,
 * and carry no clock and no message.
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
];
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
  ...extra,
});
const ROWS = [
  good(1),
  good(2, { 登记日期: '2023-02-30' }), // no such day
  good(3),
  good(4, { 主办单位: '文苑街到司法所' }), // a typo: closest unit suggested
  good(5, { 身份证号: '110105194912310021' }), // wrong check character
  good(6),
  good(7, { 事由: '' }),
  good(8),
  good(9, { 案件编号: `OLD-${run}-1` }), // the same source number twice
  good(10),
  good(11),
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
    });
    expect(parseImportDate('2024年3月5日')?.toISOString()).toBe('2024-03-05T01:00:00.000Z');
    expect(parseImportDate('2024/3/5 14:30')?.toISOString()).toBe('2024-03-05T06:30:00.000Z');
    expect(parseImportDate('2024-02-30')).toBeUndefined();
  });

  it('the dry run names every bad row and why, suggests the closest unit, and saves nothing', async () => {
    const r = await send({ name: 'old.csv', content: csv() }, 'dryRun=true');
    expect(r.total).toBe(ROWS.length);
    expect(r.badRows.map((b) => b.row)).toEqual([3, 5, 6, 8, 10]);
    const reasons = Object.fromEntries(r.badRows.map((b) => [b.row, b.reasons.join('；')]));
    expect(reasons[3]).toContain('登记日期“2023-02-30”不是有效日期');
    expect(reasons[5]).toContain('主办单位“文苑街到司法所”不存在，最接近的是“文苑街道司法所”');
    expect(r.badRows.find((b) => b.row === 5)!.closestUnit).toMatchObject({ code: '410871061-SFS' });
    expect(reasons[6]).toContain('身份证号码');
    expect(reasons[8]).toContain('缺少事由');
    expect(reasons[10]).toContain('与第 2 行重复');
    // The value table: the old system's words with what they map to.
    expect(r.values.find((v) => v.field === 'category' && v.raw === '劳资纠纷')).toMatchObject({ value: 'labour' });
    expect(r.values.find((v) => v.field === 'channel' && v.raw === '12345热线')).toMatchObject({ value: 'phone' });
    expect(r.values.find((v) => v.field === 'outcome' && v.raw === '调解不成')).toMatchObject({ value: 'no_agreement' });
    expect(r.imported).toBe(0);
    expect(await countImported()).toBe(0);
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

    const again = await send(file, 'dryRun=false&offset=0&limit=100');
    expect(again).toMatchObject({ imported: 0, alreadyImported: GOOD_COUNT, nextOffset: null });
    expect(await countImported()).toBe(GOOD_COUNT);
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
