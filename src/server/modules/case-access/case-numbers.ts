import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';

/**
 * Case numbers (`410871-2026-000123`) come from one PostgreSQL sequence per district and year. A sequence
 * hands out numbers without locking a row until commit, so registrations do not queue behind each other's
 * commit; the price is that a registration that fails after taking its number leaves a gap in the series.
 */
const known = new Map<string, Promise<void>>();

function sequenceName(districtCode: string, year: number): string {
  if (!/^\d{6}$/.test(districtCode) || !Number.isInteger(year)) throw new Error('bad district or year');
  return `case_number_${districtCode}_${year}`;
}

/**
 * Creates the sequence for that district and year if it does not exist yet (outside any transaction). The first
 * registrations of a year arrive together: within this process they share one creation; between processes the
 * loser of the race gets a duplicate error from the catalogue, and the sequence exists either way.
 */
export async function ensureCaseNumberSequence(db: Db, districtCode: string, year: number): Promise<void> {
  const name = sequenceName(districtCode, year);
  let creating = known.get(name);
  if (!creating) {
    creating = db
      .execute(sql.raw(`create sequence if not exists ${name} as integer minvalue 1`))
      .then(
        () => undefined,
        (err: { code?: string }) => {
          // 23505: duplicate in pg_type/pg_class; 42P07: relation exists (another process won the race).
          if (err.code !== '23505' && err.code !== '42P07') throw err;
        },
      )
      .catch((err: unknown) => {
        known.delete(name);
        throw err;
      });
    known.set(name, creating);
  }
  await creating;
}

export async function nextCaseNumber(tx: Tx, districtCode: string, year: number): Promise<number> {
  const { rows } = await tx.execute<{ n: number }>(sql.raw(`select nextval('${sequenceName(districtCode, year)}')::int as n`));
  return rows[0]!.n;
}
