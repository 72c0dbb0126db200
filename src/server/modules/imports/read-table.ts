import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AppError } from '../../plugins/errors.js';

/** A sheet as text: its header row and its data rows (cells as the sheet shows them, trimmed). */
export interface Table {
  headers: string[];
  rows: string[][];
}

/** A cell as text. Excel dates come back with the sheet's wall-clock time in their UTC fields (exceljs): read those. */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date)
    return v
      .toISOString()
      .slice(0, v.getUTCHours() || v.getUTCMinutes() ? 16 : 10)
      .replace('T', ' ');
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    return '';
  }
  return String(v);
}

/**
 * The last file read, by its SHA-256 (a table depends on nothing but the file's bytes): the import page sends the same
 * file with each batch, and reading 100,000 rows of XLSX again cost ~10 s per batch (bench:import). One entry, since a
 * table of that size holds about 100 MB, let go KEEP_READ_MS after its last use (it holds parties' names and numbers);
 * callers only read it.
 */
let lastRead: { digest: string; table: Promise<Table>; forget: NodeJS.Timeout } | undefined;
const KEEP_READ_MS = 15 * 60_000;
const forgetLater = (digest: string) =>
  setTimeout(() => {
    if (lastRead?.digest === digest) lastRead = undefined;
  }, KEEP_READ_MS).unref();

/** Reads an XLSX (its first sheet) or a CSV (UTF-8, with or without BOM) into text rows; refuses anything else. */
export function readTable(content: Buffer): Promise<Table> {
  const digest = createHash('sha256').update(content).digest('hex');
  if (lastRead?.digest === digest) {
    lastRead.forget.refresh();
    return lastRead.table;
  }
  if (lastRead) clearTimeout(lastRead.forget);
  const table = parseTable(content);
  lastRead = { digest, table, forget: forgetLater(digest) };
  table.catch(() => {
    if (lastRead?.digest === digest) lastRead = undefined;
  });
  return table;
}

async function parseTable(content: Buffer): Promise<Table> {
  let grid: string[][];
  if (content.subarray(0, 2).toString('latin1') === 'PK') {
    const book = new ExcelJS.Workbook();
    try {
      await book.xlsx.load(content as unknown as ArrayBuffer);
    } catch {
      throw new AppError('IMPORT_FILE_UNREADABLE');
    }
    const sheet = book.worksheets[0];
    if (!sheet) throw new AppError('IMPORT_FILE_UNREADABLE');
    grid = [];
    sheet.eachRow({ includeEmpty: true }, (row, n) => {
      const values = (row.values as ExcelJS.CellValue[]).slice(1);
      grid[n - 1] = values.map((v) => cellText(v).trim());
    });
    grid = Array.from(grid, (r) => r ?? []);
  } else {
    const text = content.toString('utf8').replace(/^\uFEFF/, '');
    if (text.includes('\uFFFD') || text.includes('\u0000')) throw new AppError('IMPORT_FILE_UNREADABLE');
    try {
      grid = (parse(text, { relax_column_count: true, skip_empty_lines: false }) as string[][]).map((r) => r.map((c) => c.trim()));
    } catch {
      throw new AppError('IMPORT_FILE_UNREADABLE');
    }
  }
  const [headers = [], ...rows] = grid;
  if (headers.filter(Boolean).length === 0) throw new AppError('IMPORT_FILE_UNREADABLE');
  // Blank rows at the end of a sheet are not rows anybody meant.
  while (rows.length && rows[rows.length - 1]!.every((c) => !c)) rows.pop();
  return { headers, rows };
}
