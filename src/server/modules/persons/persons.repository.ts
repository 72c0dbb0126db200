import { and, eq, or, type SQL } from 'drizzle-orm';
import type { PartyInput } from '../../../shared/schemas/cases.js';
import { maskAddress, maskIdNumber, maskPhone } from '../../../shared/identifiers.js';
import type { Tx, Db } from '../../db/client.js';
import { persons } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';

export type PersonRow = typeof persons.$inferSelect;

/** The lookup condition for an exact match on the keyed hash of an ID number or a phone. */
export function personHashCondition(
  crypto: PersonalDataCrypto,
  districtCode: string,
  keys: { idNumber?: string; phone?: string },
): SQL | undefined {
  const parts: SQL[] = [];
  if (keys.idNumber) parts.push(eq(persons.idNumberHash, crypto.lookupHash(keys.idNumber)));
  if (keys.phone) parts.push(eq(persons.phoneHash, crypto.lookupHash(keys.phone)));
  if (parts.length === 0) return undefined;
  return and(eq(persons.districtCode, districtCode), or(...parts));
}

/**
 * The person record for a party: the existing one when the ID number (or, failing that, the phone) matches
 * exactly, else a new one. Likely-but-not-certain matches are never merged here (that is the person registry's job).
 * Details given now fill in what the record lacked; they never overwrite what it had.
 */
export async function findOrCreatePerson(
  tx: Tx,
  crypto: PersonalDataCrypto,
  districtCode: string,
  party: PartyInput,
): Promise<string> {
  const byId = party.idNumber ? personHashCondition(crypto, districtCode, { idNumber: party.idNumber }) : undefined;
  const byPhone = !byId && party.phone ? personHashCondition(crypto, districtCode, { phone: party.phone }) : undefined;
  const condition = byId ?? byPhone;
  const [existing] = condition
    ? await tx.select().from(persons).where(and(condition, eq(persons.type, party.type))).limit(1)
    : [];
  if (existing) {
    const fill: Partial<PersonRow> = {};
    if (!existing.idNumberHash && party.idNumber) Object.assign(fill, idFields(crypto, party.idNumber));
    if (!existing.phoneHash && party.phone) Object.assign(fill, phoneFields(crypto, party.phone));
    if (!existing.addressEnc && party.address) fill.addressEnc = crypto.encrypt(party.address);
    if (Object.keys(fill).length > 0) {
      await tx
        .update(persons)
        .set({ ...fill, updatedAt: new Date() })
        .where(and(eq(persons.districtCode, districtCode), eq(persons.id, existing.id)));
    }
    return existing.id;
  }
  const [created] = await tx
    .insert(persons)
    .values({
      districtCode,
      type: party.type,
      name: party.name,
      ...(party.idNumber ? idFields(crypto, party.idNumber) : {}),
      ...(party.phone ? phoneFields(crypto, party.phone) : {}),
      addressEnc: party.address ? crypto.encrypt(party.address) : null,
    })
    .returning({ id: persons.id });
  return created!.id;
}

function idFields(crypto: PersonalDataCrypto, idNumber: string) {
  return { idNumberEnc: crypto.encrypt(idNumber), idNumberHash: crypto.lookupHash(idNumber) };
}

function phoneFields(crypto: PersonalDataCrypto, phone: string) {
  return { phoneEnc: crypto.encrypt(phone), phoneHash: crypto.lookupHash(phone) };
}

export type PersonalField = 'idNumber' | 'phone' | 'address';

const COLUMN: Record<PersonalField, 'idNumberEnc' | 'phoneEnc' | 'addressEnc'> = {
  idNumber: 'idNumberEnc',
  phone: 'phoneEnc',
  address: 'addressEnc',
};
const MASK: Record<PersonalField, (v: string) => string> = { idNumber: maskIdNumber, phone: maskPhone, address: maskAddress };

/** The masked value of a personal field, as every response shows it by default. */
export function maskedField(crypto: PersonalDataCrypto, person: PersonRow, field: PersonalField): string | null {
  const blob = person[COLUMN[field]];
  return blob ? MASK[field](crypto.decrypt(blob)) : null;
}

/** The full value, for a logged reveal only. */
export function plainField(crypto: PersonalDataCrypto, person: PersonRow, field: PersonalField): string | null {
  const blob = person[COLUMN[field]];
  return blob ? crypto.decrypt(blob) : null;
}

export async function findPerson(db: Db | Tx, districtCode: string, id: string): Promise<PersonRow | undefined> {
  const [row] = await db.select().from(persons).where(and(eq(persons.districtCode, districtCode), eq(persons.id, id)));
  return row;
}
