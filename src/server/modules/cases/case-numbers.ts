import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';

/**
 * Case numbers (`410871-2026-000123`) come from one PostgreSQL sequence per district and year. A sequence
 * hands out numbers without locking a row until commit, so registrations do not queue behind each other's
 * commit; the price is that a registration that fails after taking its number leaves a gap in the series.
 */
const known = new Set<string>();

function sequenceName(districtCode: string, year: number): string {
  if (!/^\d{6}$/.test(districtCode) || !Number.isInteger(year)) throw new Error('bad district or year');
  return `case_number_${districtCode}_${year}`;
}

/** Creates the sequence for that district and year if it does not exist yet (outside any transaction). */
export async function ensureCaseNumberSequence(db: Db, districtCode: string, year: number): Promise<void> {
  const name = sequenceName(districtCode, year);
  if (known.has(name)) return;
  try {
    await db.execute(sql.raw(`create sequence if not exists ${name} as integer minvalue 1`));
  } catch (err) {
    // Two processes creating it at once: the loser sees a duplicate in pg_class; the sequence exists either way.
    if ((err as { code?: string }).code !== '23505') throw err;
  }
  known.add(name);
}

export async function nextCaseNumber(tx: Tx, districtCode: string, year: number): Promise<number> {
  const { rows } = await tx.execute<{ n: number }>(sql.raw(`select nextval('${sequenceName(districtCode, year)}')::int as n`));
  return rows[0]!.n;
}
