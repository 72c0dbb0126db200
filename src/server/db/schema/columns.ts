/** The column helpers every table file shares. */
import { sql } from 'drizzle-orm';
import { char, customType, timestamp } from 'drizzle-orm/pg-core';

export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
/** Full-text vectors are written by SQL (`to_tsvector('simple', …)` over jieba tokens), never read back as values. */
export const tsvector = customType<{ data: string; driverData: string }>({ dataType: () => 'tsvector' });
/**
 * The tenant, a 6-digit division code: the first column of every domain table's primary key and of every unique key,
 * so the schema can be distributed by district (Citus) without redesign.
 */
export const district = () => char('district_code', { length: 6 }).notNull();
export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
/** A list of constant values for `in (…)` or a check constraint (constants from `src/shared`, never user input). */
export const sqlListText = (values: readonly string[]) => values.map((v) => `'${v}'`).join(',');
export const sqlList = (values: readonly string[]) => sql.raw(sqlListText(values));
