import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { cases } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canSeeCase } from './cases.policy.js';

/** A case as stored: what every feature reads of a case. */
export type CaseRow = typeof cases.$inferSelect;

/** The case by id in the district, optionally locked for the rest of the caller's transaction. */
export async function findCaseRow(
  db: Db | Tx,
  districtCode: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<CaseRow | undefined> {
  const q = db
    .select()
    .from(cases)
    .where(and(eq(cases.districtCode, districtCode), eq(cases.id, id)));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  return row;
}

/**
 * The case if `actor` may see it, else CASE_NOT_FOUND — the same answer whether the case does not exist or lies
 * outside the actor's jurisdiction, so an id reveals nothing (cases.policy.ts `canSeeCase`).
 */
export async function findVisibleCase(opts: { db: Db | Tx; actor: Actor; caseId: string; forUpdate?: boolean }): Promise<CaseRow> {
  const row = await findCaseRow(opts.db, opts.actor.districtCode, opts.caseId, { forUpdate: opts.forUpdate });
  if (!row || !canSeeCase(opts.actor, row)) throw new AppError('CASE_NOT_FOUND');
  return row;
}
