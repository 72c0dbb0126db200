import { and, eq } from 'drizzle-orm';
import { hasPermission } from '../../../shared/permissions.js';
import type { Db } from '../../db/client.js';
import { accessLog, caseParties } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { findVisibleCase } from '../case-access/case-row.js';
import { findPerson, plainField, type PersonalField } from '../persons/persons.repository.js';

/**
 * Shows one personal field of a case's party in full, to whom may reveal it and sees the case. The reveal and its
 * purpose go to the access log before the value is read (个人信息保护法 Art.51).
 */
export async function revealPartyField(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  actor: Actor;
  caseId: string;
  partyId: string;
  field: PersonalField;
  purpose: string;
  requestId: string;
  ip: string;
}): Promise<{ personId: string; value: string | null }> {
  const { db, crypto, actor, field } = opts;
  const row = await findVisibleCase({ db, actor, caseId: opts.caseId });
  if (!hasPermission(actor.role, 'person.reveal')) throw new AppError('FORBIDDEN');
  const [party] = await db
    .select()
    .from(caseParties)
    .where(and(eq(caseParties.districtCode, actor.districtCode), eq(caseParties.caseId, row.id), eq(caseParties.id, opts.partyId)));
  const person = party && (await findPerson(db, actor.districtCode, party.personId));
  if (!person) throw new AppError('CASE_NOT_FOUND');
  await db.insert(accessLog).values({
    districtCode: actor.districtCode,
    actorId: actor.id,
    entityType: 'person',
    entityId: person.id,
    field,
    purpose: `${opts.purpose}（案件 ${row.code}）`,
    requestId: opts.requestId,
    ip: opts.ip,
  });
  return { personId: person.id, value: plainField(crypto, person, field) };
}
