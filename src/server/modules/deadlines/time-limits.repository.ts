import { and, asc, eq, sql } from 'drizzle-orm';
import { DEFAULT_TIME_LIMITS } from '../../../shared/time-limits.js';
import type { Db, Tx } from '../../db/client.js';
import { timeLimitPolicies } from '../../db/schema.js';
import { districtMemo } from '../../lib/district-memo.js';

export type TimeLimitPolicyRow = typeof timeLimitPolicies.$inferSelect;

/**
 * Gives a district the default time limits of every stage it has no rule for yet (all of them on the first run; a
 * stage added in a later version on upgrade). Rules the administrator has for a stage are never touched.
 */
export async function ensureDefaultTimeLimits(db: Db, districtCode: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sqlLock(districtCode));
    const have = new Set(
      (
        await tx
          .selectDistinct({ stage: timeLimitPolicies.stage })
          .from(timeLimitPolicies)
          .where(eq(timeLimitPolicies.districtCode, districtCode))
      ).map((r) => r.stage),
    );
    const missing = DEFAULT_TIME_LIMITS.filter((r) => !have.has(r.stage));
    if (missing.length === 0) return false;
    await tx.insert(timeLimitPolicies).values(missing.map((r) => ({ ...r, districtCode })));
    return true;
  });
}

/** Two instances starting together must not both insert the defaults. */
function sqlLock(districtCode: string) {
  return sql`select pg_advisory_xact_lock(hashtextextended(${`fengqiao:time-limits:${districtCode}`}, 0))`;
}

/** The enabled policies of a district, in the order they are tried. */
export async function listTimeLimits(
  db: Db | Tx,
  districtCode: string,
  opts: { enabledOnly?: boolean } = {},
): Promise<TimeLimitPolicyRow[]> {
  const where = opts.enabledOnly
    ? and(eq(timeLimitPolicies.districtCode, districtCode), eq(timeLimitPolicies.isEnabled, true))
    : eq(timeLimitPolicies.districtCode, districtCode);
  return db.select().from(timeLimitPolicies).where(where).orderBy(asc(timeLimitPolicies.stage), asc(timeLimitPolicies.priority));
}

/** How long the rules stay in memory: an edit through another instance reaches this one within a minute. */
const memo = districtMemo<TimeLimitPolicyRow[]>(60_000);

/**
 * The enabled rules of a district from memory: every registration and step that starts a clock needs them, and they
 * change a few times a year. Read again at least once a minute, and at once after an edit in this process. `db` keys
 * the memory; `via` reads on a miss (pass the open transaction: waiting for a second pooled connection while holding
 * one can exhaust the pool under load).
 */
export function enabledTimeLimits(db: Db, districtCode: string, via: Db | Tx = db): Promise<TimeLimitPolicyRow[]> {
  // Read through the caller's transaction when in one: a second connection could be one the pool no longer has.
  return memo.get(db, districtCode, () => listTimeLimits(via, districtCode, { enabledOnly: true }));
}

/** After an edit of the district's rules (committed): the next clock reads them again. */
export function forgetTimeLimits(db: Db, districtCode: string): void {
  memo.forget(db, districtCode);
}
