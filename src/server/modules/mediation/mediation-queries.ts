import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { caseParties, mediationSessions } from '../../db/schema.js';

/**
 * The mediation module's reads that several of its use cases share (one home each, docs/ONLINE-MEDIATION.md): the
 * parties a link may go to, and a session looked up under its case so that an id of another case finds nothing.
 */

/** A party of the case with the encrypted phone on the case (null: none given), in the case's order. */
export type PartyWithPhone = { id: string; name: string; phoneEnc: Buffer | null };

/** The case's parties with their phones; `partyIds`, when given, keeps only those (an empty list: none). */
export async function partiesWithPhones(
  db: Db | Tx,
  opts: { districtCode: string; caseId: string; partyIds?: readonly string[] },
): Promise<PartyWithPhone[]> {
  if (opts.partyIds && opts.partyIds.length === 0) return [];
  return db
    .select({ id: caseParties.id, name: caseParties.name, phoneEnc: caseParties.phoneEnc })
    .from(caseParties)
    .where(
      and(
        eq(caseParties.districtCode, opts.districtCode),
        eq(caseParties.caseId, opts.caseId),
        ...(opts.partyIds ? [inArray(caseParties.id, [...opts.partyIds])] : []),
      ),
    )
    .orderBy(asc(caseParties.position));
}

/** Those of `parties` with a phone an SMS can go to. */
export const reachableParties = <P extends { phoneEnc: Buffer | null }>(parties: P[]) =>
  parties.filter((p): p is P & { phoneEnc: Buffer } => !!p.phoneEnc);

/** The session of this case by id (undefined when it is another case's); `forUpdate` locks it in the caller's transaction. */
export async function findCaseSession(
  db: Db | Tx,
  opts: { districtCode: string; caseId: string; sessionId: string; forUpdate?: boolean },
): Promise<typeof mediationSessions.$inferSelect | undefined> {
  const q = db
    .select()
    .from(mediationSessions)
    .where(
      and(
        eq(mediationSessions.districtCode, opts.districtCode),
        eq(mediationSessions.id, opts.sessionId),
        eq(mediationSessions.caseId, opts.caseId),
      ),
    );
  const [session] = opts.forUpdate ? await q.for('update') : await q;
  return session;
}
