import ExcelJS from 'exceljs';
import { MEDIA_TYPES } from './media-types.js';

export interface SheetColumn {
  header: string;
  key: string;
  width?: number;
  /** `percent`: the value is a percentage number (87.5 → "87.5%"), kept as a number so it sums and sorts in Excel. */
  format?: 'percent' | 'text';
}

export interface Sheet {
  name: string;
  title: string;
  /** What the figures cover (period, unit, filters): printed under the title so a forwarded file explains itself. */
  filters: string[];
  columns: SheetColumn[];
  rows: Record<string, string | number | null>[];
}

/**
 * Writes sheets to an .xlsx file (npm `exceljs`): a title row, the filters applied, a bold header row, then the rows.
 * Numbers stay numbers; `null` (a rate with nothing to divide) is an empty cell.
 */
export async function buildWorkbook(sheets: Sheet[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Fengqiao';
  book.created = new Date();
  for (const s of sheets) {
    const ws = book.addWorksheet(s.name.slice(0, 31));
    ws.addRow([s.title]).font = { bold: true, size: 14 };
    for (const f of s.filters) ws.addRow([f]).font = { color: { argb: 'FF666666' } };
    const header = ws.addRow(s.columns.map((c) => c.header));
    header.font = { bold: true };
    header.eachCell((cell) => {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFF3F8' } };
      cell.border = { bottom: { style: 'thin' } };
    });
    for (const r of s.rows) ws.addRow(s.columns.map((c) => r[c.key] ?? null));
    s.columns.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      col.width = c.width ?? Math.max(10, c.header.length * 2 + 2);
      if (c.format === 'percent') col.numFmt = '0.0"%"';
    });
    ws.views = [{ state: 'frozen', ySplit: header.number }];
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** Reads every sheet back as rows of cell values (the tests' and the import's reader). */
export async function readWorkbook(data: Buffer): Promise<Map<string, (string | number | null)[][]>> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(data as unknown as ArrayBuffer);
  const out = new Map<string, (string | number | null)[][]>();
  book.eachSheet((ws) => {
    const rows: (string | number | null)[][] = [];
    ws.eachRow({ includeEmpty: true }, (row) => {
      const values = (row.values as unknown[]).slice(1);
      rows.push(values.map((v) => (v === undefined || v === null ? null : typeof v === 'number' || typeof v === 'string' ? v : String(v))));
    });
    out.set(ws.name, rows);
  });
  return out;
}

/** The Content-Disposition of a download with a Chinese file name (RFC 6266 / RFC 5987). */
export function attachmentName(name: string): string {
  return `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The media type of every workbook download (named once with the others in lib/media-types.ts). */
export const XLSX_TYPE = MEDIA_TYPES.xlsx;
