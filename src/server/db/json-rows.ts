import { getTableColumns, type Table } from 'drizzle-orm';

/**
 * Rows a statement returned as JSON (`jsonb_agg(to_jsonb(t))`), typed as the table's own rows: column names back to
 * their keys, timestamps to `Date`, `bytea` to `Buffer` — so one statement can load a case with all its child rows and
 * the presenters take the same row types as from single-table queries. Columns absent from the JSON (left out on
 * purpose, e.g. an attachment's content) stay absent.
 */
export function rowsFromJson<T extends Table>(table: T, json: unknown): T['$inferSelect'][] {
  if (!Array.isArray(json)) return [];
  const columns = Object.entries(getTableColumns(table));
  return json.map((raw: Record<string, unknown>) => {
    const row: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      if (!(column.name in raw)) continue;
      const value = raw[column.name];
      if (value === null || value === undefined) row[key] = null;
      else if (column.columnType === 'PgTimestamp') row[key] = new Date(value as string);
      else if (column.getSQLType() === 'bytea') row[key] = Buffer.from((value as string).slice(2), 'hex');
      else row[key] = value;
    }
    return row as T['$inferSelect'];
  });
}

/** A row as JSON with its columns' names (for `jsonb_populate_record`); timestamps as ISO strings, buffers as bytea hex. */
export function asColumns(table: Table, row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(getTableColumns(table)).flatMap(([key, column]) => {
      if (!(key in row)) return [];
      const v = row[key];
      return [[column.name, v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? `\\x${v.toString('hex')}` : (v ?? null)]];
    }),
  );
}
