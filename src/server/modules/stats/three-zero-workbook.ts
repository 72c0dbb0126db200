import { formatShanghaiDateTime } from '../../../shared/calendar.js';
import ExcelJS from 'exceljs';
import type { ThreeZeroBoard } from '../../../shared/schemas/three-zero.js';
import { zhCN } from '../../../shared/locales/zh-CN.js';
import { AppError } from '../../plugins/errors.js';
import type { Sheet } from '../../lib/workbook.js';

const zh = (key: string) => (zhCN as Record<string, string>)[key] ?? key;
const yesNo = (v: boolean | null) => (v === null ? '未填报' : v ? '是' : '否');

/** The column headers the board's export writes and its import reads: a district fills in the exported file and sends it back. */
export const THREE_ZERO_COLUMNS = {
  name: '单位名称',
  place: '所在村(社区)',
  accidents: '安全事故(起)',
  criminalCases: '刑事/重大治安案件(起)',
  source: '数据来源',
} as const;

/** The board as sheets: the share per group against the target, and every assessed unit with its three zeros. */
export function threeZeroSheets(board: ThreeZeroBoard, scope: string): Sheet[] {
  const filters = [
    `年度：${board.year}`,
    `范围：${scope}`,
    '口径：零上访按平台案件计算（登记于该年、由街道或区级化解或上交的案件），零事故、零案件按填报数，未填报不达标',
  ];
  return [
    {
      name: '达标情况',
      title: `“三零”创建达标情况（${board.year}年）`,
      filters,
      columns: [
        { header: '组别', key: 'group', width: 30 },
        { header: '创建单位数', key: 'total' },
        { header: '达标数', key: 'meeting' },
        { header: '达标率(%)', key: 'share', format: 'percent' },
        { header: '目标(%)', key: 'target', format: 'percent' },
        { header: '达到目标', key: 'reached' },
      ],
      rows: (['village', 'organisation'] as const).map((g) => ({
        group: zh(`threeZero.group.${g}`),
        total: board.groups[g].total,
        meeting: board.groups[g].meeting,
        share: board.groups[g].share,
        target: board.targets[g],
        reached: board.groups[g].share === null ? '—' : board.groups[g].share! >= board.targets[g] ? '是' : '否',
      })),
    },
    {
      name: '创建单位',
      title: `“三零”创建单位（${board.year}年）`,
      filters: [...filters, '填报：在“安全事故(起)”“刑事/重大治安案件(起)”“数据来源”三列填写后，可在看板上“导入填报数”'],
      columns: [
        { header: THREE_ZERO_COLUMNS.name, key: 'name', width: 24 },
        { header: '类型', key: 'type', width: 10 },
        { header: THREE_ZERO_COLUMNS.place, key: 'placeName', width: 18 },
        { header: '上交案件(件)', key: 'carriedUp' },
        { header: '零上访', key: 'zeroPetition', width: 8 },
        { header: THREE_ZERO_COLUMNS.accidents, key: 'accidents' },
        { header: '零事故', key: 'zeroAccident', width: 8 },
        { header: THREE_ZERO_COLUMNS.criminalCases, key: 'criminalCases', width: 22 },
        { header: '零案件', key: 'zeroCrime', width: 8 },
        { header: '达标', key: 'meets', width: 8 },
        { header: THREE_ZERO_COLUMNS.source, key: 'source', width: 30 },
        { header: '填报人', key: 'enteredBy', width: 10 },
        { header: '填报时间', key: 'enteredAt', width: 18 },
      ],
      rows: board.units.map((u) => ({
        name: u.name,
        type: zh(`assessedType.${u.type}`),
        placeName: u.placeName,
        carriedUp: u.carriedUp,
        zeroPetition: yesNo(u.zeroPetition),
        accidents: u.accidents,
        zeroAccident: yesNo(u.zeroAccident),
        criminalCases: u.criminalCases,
        zeroCrime: yesNo(u.zeroCrime),
        meets: u.meets ? '是' : '否',
        source: u.source,
        enteredBy: u.enteredBy,
        // Beijing time, as every date the platform prints.
        enteredAt: u.enteredAt ? formatShanghaiDateTime(new Date(u.enteredAt)) : null,
      })),
    },
  ];
}

export interface ImportedFigures {
  assessedUnitId: string;
  accidents: number;
  criminalCases: number;
  source: string;
}

export interface ImportProblem {
  /** The row number as Excel shows it (0: the file as a whole). */
  row: number;
  name?: string;
  reason: string;
}

/** A cell as plain text: rich text, formulas' results and hyperlinks flattened. */
function text(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'result' in v) return String(v.result ?? '').trim();
  if (typeof v === 'object' && 'richText' in v)
    return v.richText
      .map((r) => r.text)
      .join('')
      .trim();
  if (typeof v === 'object' && 'text' in v) return String(v.text).trim();
  return String(cell.text ?? v).trim();
}

/**
 * Reads a filled-in board (the export, or any sheet with the same column headers) into figures per assessed unit.
 * All or nothing: every problem is reported with its row, and none is returned unless the whole file is right.
 * Rows with neither figure filled are not entered (skipped); a unit is found by its name, and by its village/community
 * when two units share a name.
 */
export async function readThreeZeroImport(
  data: Buffer,
  units: ThreeZeroBoard['units'],
): Promise<{ figures: ImportedFigures[]; skipped: number }> {
  const fail = (problems: ImportProblem[]): never => {
    throw new AppError('THREE_ZERO_IMPORT_INVALID', { problems: problems.slice(0, 50), more: Math.max(0, problems.length - 50) });
  };
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    fail([{ row: 0, reason: '不是有效的 Excel（.xlsx）文件' }]);
  }
  let found: { ws: ExcelJS.Worksheet; header: number; col: Record<keyof typeof THREE_ZERO_COLUMNS, number> } | undefined;
  for (const ws of book.worksheets) {
    ws.eachRow((row, n) => {
      if (found) return;
      const col: Partial<Record<keyof typeof THREE_ZERO_COLUMNS, number>> = {};
      row.eachCell((cell, c) => {
        for (const [k, header] of Object.entries(THREE_ZERO_COLUMNS))
          if (text(cell) === header) col[k as keyof typeof THREE_ZERO_COLUMNS] = c;
      });
      if (col.name && col.accidents && col.criminalCases && col.source)
        found = { ws, header: n, col: { place: 0, ...col } as Record<keyof typeof THREE_ZERO_COLUMNS, number> };
    });
    if (found) break;
  }
  if (!found)
    return fail([
      {
        row: 0,
        reason: `找不到表头：应有“${THREE_ZERO_COLUMNS.name}”“${THREE_ZERO_COLUMNS.accidents}”“${THREE_ZERO_COLUMNS.criminalCases}”“${THREE_ZERO_COLUMNS.source}”列（可先导出看板，在导出的文件里填写）`,
      },
    ]);

  const { ws, header, col } = found;
  const problems: ImportProblem[] = [];
  const figures: ImportedFigures[] = [];
  const seen = new Map<string, number>();
  let skipped = 0;
  const count = (raw: string): number | undefined => (/^\d{1,5}$/.test(raw) ? Number(raw) : undefined);
  for (let n = header + 1; n <= ws.rowCount; n++) {
    const row = ws.getRow(n);
    const name = text(row.getCell(col.name));
    if (!name) continue;
    const place = col.place ? text(row.getCell(col.place)) : '';
    const [rawAccidents, rawCrimes, source] = [
      text(row.getCell(col.accidents)),
      text(row.getCell(col.criminalCases)),
      text(row.getCell(col.source)),
    ];
    if (!rawAccidents && !rawCrimes) {
      skipped += 1;
      continue;
    }
    const problem = (reason: string) => problems.push({ row: n, name, reason });
    const matches = units.filter((u) => u.name === name && (!place || u.placeName === place));
    const accidents = count(rawAccidents);
    const criminalCases = count(rawCrimes);
    if (matches.length === 0)
      problem(place ? `在${place}找不到名为“${name}”的创建单位` : `找不到名为“${name}”的创建单位（先在看板上添加）`);
    else if (matches.length > 1) problem(`有 ${matches.length} 个名为“${name}”的创建单位，请填写“${THREE_ZERO_COLUMNS.place}”以区分`);
    else if (seen.has(matches[0]!.id)) problem(`与第 ${seen.get(matches[0]!.id)} 行是同一个创建单位`);
    if (accidents === undefined || criminalCases === undefined) problem('事故数和案件数都要填写，且为 0 或正整数');
    if (source.length < 2 || source.length > 200) problem('请注明数据来源（2 至 200 字，如：区应急管理局 2026 年事故台账）');
    if (matches.length === 1 && !seen.has(matches[0]!.id)) seen.set(matches[0]!.id, n);
    if (matches.length === 1 && accidents !== undefined && criminalCases !== undefined && source.length >= 2 && source.length <= 200) {
      figures.push({ assessedUnitId: matches[0]!.id, accidents, criminalCases, source });
    }
  }
  if (problems.length) fail(problems);
  return { figures, skipped };
}
