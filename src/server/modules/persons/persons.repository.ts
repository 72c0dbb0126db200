import { and, eq, or, type SQL } from 'drizzle-orm';
import type { PartyInput } from '../../../shared/schemas/cases.js';
import { maskAddress, maskIdNumber, maskPhone, normalizeAddress } from '../../../shared/identifiers.js';
import { namePinyin } from '../../lib/chinese-text.js';
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
  // An organisation is the same by its credit code, or else by its exact name (names of companies are registered).
  const byOrganisation =
    party.type === 'organization'
      ? and(eq(persons.districtCode, districtCode), party.creditCode ? eq(persons.creditCode, party.creditCode) : eq(persons.name, party.name.normalize('NFKC')))
      : undefined;
  const condition = byId ?? byPhone ?? byOrganisation;
  const [existing] = condition
    ? await tx.select().from(persons).where(and(condition, eq(persons.type, party.type))).limit(1)
    : [];
  // A record staff merged into another: the party is that other person.
  if (existing?.mergedInto) return existing.mergedInto;
  if (existing) {
    const fill: Partial<PersonRow> = {};
    if (!existing.idNumberHash && party.idNumber) Object.assign(fill, idFields(crypto, party.idNumber));
    if (!existing.phoneHash && party.phone) Object.assign(fill, phoneFields(crypto, party.phone));
    if (!existing.addressEnc && party.address) Object.assign(fill, addressFields(crypto, party.address));
    if (!existing.creditCode && party.creditCode) fill.creditCode = party.creditCode;
    if (Object.keys(fill).length > 0) {
      await tx
        .update(persons)
        .set({ ...fill, updatedAt: new Date() })
        .where(and(eq(persons.districtCode, districtCode), eq(persons.id, existing.id)));
    }
    return existing.id;
  }
  const name = party.name.normalize('NFKC');
  const [created] = await tx
    .insert(persons)
    .values({
      districtCode,
      type: party.type,
      name,
      namePinyin: namePinyin(name),
      creditCode: party.creditCode ?? null,
      ...(party.idNumber ? idFields(crypto, party.idNumber) : {}),
      ...(party.phone ? phoneFields(crypto, party.phone) : {}),
      ...(party.address ? addressFields(crypto, party.address) : {}),
    })
    .returning({ id: persons.id });
  return created!.id;
}

function idFields(crypto: PersonalDataCrypto, idNumber: string) {
  return { idNumberEnc: crypto.encrypt(idNumber), idNumberHash: crypto.lookupHash(idNumber) };
}

function phoneFields(crypto: PersonalDataCrypto, phone: string) {
  return { phoneEnc: crypto.encrypt(phone), phoneHash: crypto.lookupHash(phone), phoneSuffixHash: phoneSuffixHash(crypto, phone) };
}

export function phoneSuffixHash(crypto: PersonalDataCrypto, phone: string) {
  return crypto.lookupHash(`phone-suffix:${phone.slice(-4)}`);
}

function addressFields(crypto: PersonalDataCrypto, address: string) {
  return { addressEnc: crypto.encrypt(address), addressHash: addressHash(crypto, address) };
}

export function addressHash(crypto: PersonalDataCrypto, address: string) {
  return crypto.lookupHash(`address:${normalizeAddress(address)}`);
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
