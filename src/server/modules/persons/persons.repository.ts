import { randomUUID } from 'node:crypto';
import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import { AppError } from '../../plugins/errors.js';
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

/** A name as compared between records: NFKC (full-width letters, compatibility forms) and trimmed. */
const comparable = (name: string) => name.trim().normalize('NFKC');

/** Whether the record knows the person by this name (its name or one of its other names), compared as typed names are. */
export const knowsName = (person: Pick<PersonRow, 'name' | 'aliases'>, name: string) =>
  comparable(person.name) === comparable(name) || person.aliases.some((a) => comparable(a) === comparable(name));

/**
 * The registry's record for each party of a registration, in order: the person with the same ID number (or the
 * organisation with the same credit code, else the same registered name), else the person with the same phone AND
 * the same name (a phone alone is shared by a couple, a parent and child: never enough to make two names one person),
 * else a new record. Nothing typed is ever replaced: the case keeps each party as given (`case_parties`), and details
 * given now only fill in what the record lacked.
 *
 * Refused, before anything is written: an ID number on file under another name, unless the clerk confirmed it is the
 * same person (`samePersonConfirmed`; the new name is then added to the record's other names) — PERSON_NAME_DIFFERS
 * naming the party; and one person or organisation as two parties of the case — PARTY_SAME_PERSON.
 */
export async function planPartyPersons(
  tx: Tx,
  crypto: PersonalDataCrypto,
  districtCode: string,
  parties: readonly PartyInput[],
): Promise<PartyPersonsPlan> {
  const [plan] = await planPartyPersonsBatch(tx, crypto, districtCode, [parties]);
  if (plan instanceof AppError) throw plan;
  return plan!;
}

/**
 * `planPartyPersons` for several registrations at once (the registration batch): one lookup for all their parties.
 * Each registration gets its plan, or the AppError refusing it (the others go on). A person new to the registry who
 * appears in two registrations of the batch is created once, by the first.
 */
export async function planPartyPersonsBatch(
  tx: Tx,
  crypto: PersonalDataCrypto,
  districtCode: string,
  registrations: readonly (readonly PartyInput[])[],
): Promise<(PartyPersonsPlan | AppError)[]> {
  const keysOf = (parties: readonly PartyInput[]) =>
    parties.map((p) => ({
      name: comparable(p.name),
      idHash: p.type === 'person' && p.idNumber ? crypto.lookupHash(p.idNumber) : undefined,
      phoneHash: p.type === 'person' && p.phone ? crypto.lookupHash(p.phone) : undefined,
      creditCode: p.type === 'organization' ? p.creditCode : undefined,
    }));
  const allKeys = registrations.map(keysOf);
  const flat = allKeys.flatMap((keys, r) => keys.map((k, i) => ({ k, type: registrations[r]![i]!.type })));
  const idHashes = flat.flatMap(({ k }) => (k.idHash ? [k.idHash] : []));
  const phoneHashes = flat.flatMap(({ k }) => (k.phoneHash ? [k.phoneHash] : []));
  const creditCodes = flat.flatMap(({ k }) => (k.creditCode ? [k.creditCode] : []));
  const orgNames = flat.flatMap(({ k, type }) => (type === 'organization' && !k.creditCode ? [k.name] : []));
  // One branch per kind of key the batch has, each on its own index, the keys as one array (a statement text per
  // combination, not per batch size). As one OR — or with a branch for an empty array, which the planner could not
  // tell from a cheap one — it read every person or organisation of the district through an index of the district
  // alone (9,386 rows for none, 9 ms, with statistics from before a busy hour; bench:cases).
  const onFileBy = (condition: SQL) =>
    tx
      .select()
      .from(persons)
      .where(and(eq(persons.districtCode, districtCode), condition));
  const branches = [
    ...(idHashes.length ? [onFileBy(sql`${persons.idNumberHash} = any(${sql.param(idHashes)}::text[])`)] : []),
    ...(phoneHashes.length ? [onFileBy(sql`${persons.phoneHash} = any(${sql.param(phoneHashes)}::text[])`)] : []),
    ...(creditCodes.length ? [onFileBy(sql`${persons.creditCode} = any(${sql.param(creditCodes)}::text[])`)] : []),
    ...(orgNames.length ? [onFileBy(sql`${persons.type} = 'organization' and ${persons.name} = any(${sql.param(orgNames)}::text[])`)] : []),
  ];
  const [first, second, ...more] = branches;
  const rows = !first ? [] : second ? await unionAll(first, second, ...more) : await first;
  const found = [...new Map(rows.map((p) => [p.id, p] as const)).values()];
  // The records on file and those this batch creates (found again by later registrations of the batch as if they
  // were on file), by each key a party is matched on: an import checks 100,000 rows as one batch, and searching a list
  // of every person created so far for each row made the check quadratic (bench:import).
  type Candidate = Pick<
    PersonRow,
    'id' | 'type' | 'name' | 'aliases' | 'idNumberHash' | 'phoneHash' | 'creditCode' | 'addressEnc' | 'mergedInto'
  >;
  const byKey = new Map<string, Candidate[]>();
  const keysOfCandidate = (p: Candidate) => [
    ...(p.idNumberHash ? [`id:${p.idNumberHash}`] : []),
    ...(p.phoneHash ? [`phone:${p.phoneHash}`] : []),
    ...(p.creditCode ? [`credit:${p.creditCode}`] : []),
    ...(p.type === 'organization' ? [`orgname:${p.name}`] : []),
  ];
  const remember = (p: Candidate) => {
    for (const key of keysOfCandidate(p)) {
      const list = byKey.get(key);
      if (list) list.push(p);
      else byKey.set(key, [p]);
    }
  };
  found.forEach(remember);
  const createdInBatch = new Set<string>();
  return registrations.map((parties, r) => {
    try {
      return planOne(parties, allKeys[r]!);
    } catch (err) {
      if (err instanceof AppError) return err;
      throw err;
    }
  });

  function planOne(parties: readonly PartyInput[], keys: ReturnType<typeof keysOf>): PartyPersonsPlan {
    // The same identity given twice in one registration is one person on two sides.
    const identities = keys.map((k, i) =>
      k.idHash
        ? `id:${k.idHash}`
        : k.creditCode
          ? `org:${k.creditCode}`
          : k.phoneHash
            ? `phone:${k.phoneHash}:${k.name}`
            : parties[i]!.type === 'organization'
              ? `orgname:${k.name}`
              : `new:${i}`,
    );
    const twice = identities.findIndex((id, i) => identities.indexOf(id) !== i);
    if (twice >= 0) throw new AppError('PARTY_SAME_PERSON', { partyIndexes: [identities.indexOf(identities[twice]!), twice] });
    const ids: (string | undefined)[] = [];
    const updates: { id: string; fill: Partial<PersonRow> }[] = [];
    const first = (key: string, type: PartyInput['type'], also: (p: Candidate) => boolean = () => true) =>
      byKey.get(key)?.find((p) => p.type === type && also(p));
    parties.forEach((party, i) => {
      const k = keys[i]!;
      const existing =
        party.type === 'organization'
          ? k.creditCode
            ? first(`credit:${k.creditCode}`, party.type)
            : first(`orgname:${k.name}`, party.type)
          : k.idHash
            ? first(`id:${k.idHash}`, party.type)
            : k.phoneHash
              ? first(`phone:${k.phoneHash}`, party.type, (p) => knowsName(p, k.name))
              : undefined;
      if (!existing) return ids.push(undefined);
      const fill: Partial<PersonRow> = {};
      if (k.idHash && !knowsName(existing, k.name)) {
        if (!party.samePersonConfirmed) throw new AppError('PERSON_NAME_DIFFERS', { partyIndex: i, registeredName: existing.name });
        fill.aliases = [...existing.aliases, k.name];
      }
      // A record staff merged into another: the party is that other person.
      if (existing.mergedInto) return ids.push(existing.mergedInto);
      const isNew = createdInBatch.has(existing.id);
      if (!isNew) {
        if (!existing.idNumberHash && party.idNumber) Object.assign(fill, idFields(crypto, party.idNumber));
        if (!existing.phoneHash && party.phone) Object.assign(fill, phoneFields(crypto, party.phone));
        if (!existing.addressEnc && party.address) Object.assign(fill, addressFields(crypto, party.address));
        if (!existing.creditCode && party.creditCode) fill.creditCode = party.creditCode;
        if (Object.keys(fill).length > 0) updates.push({ id: existing.id, fill });
      }
      ids.push(existing.id);
    });
    const known = ids.filter((id): id is string => !!id);
    const repeated = known.find((id, i) => known.indexOf(id) !== i);
    if (repeated) throw new AppError('PARTY_SAME_PERSON', { partyIndexes: ids.flatMap((id, i) => (id === repeated ? [i] : [])) });

    const toCreate: NewPerson[] = [];
    parties.forEach((party, i) => {
      if (ids[i]) return;
      const name = comparable(party.name);
      const id = randomUUID();
      ids[i] = id;
      toCreate.push({
        districtCode,
        id,
        type: party.type,
        name,
        namePinyin: namePinyin(name),
        creditCode: party.creditCode ?? null,
        ...(party.idNumber ? idFields(crypto, party.idNumber) : {}),
        ...(party.phone ? phoneFields(crypto, party.phone) : {}),
        ...(party.address ? addressFields(crypto, party.address) : {}),
      });
    });
    for (const p of toCreate) {
      createdInBatch.add(p.id);
      remember({
        id: p.id,
        type: p.type,
        name: p.name,
        aliases: [],
        idNumberHash: p.idNumberHash ?? null,
        phoneHash: p.phoneHash ?? null,
        creditCode: p.creditCode ?? null,
        addressEnc: p.addressEnc ?? null,
        mergedInto: null,
      });
    }
    return { personIds: ids as string[], toCreate, updates };
  }
}

export type NewPerson = typeof persons.$inferInsert & { id: string };

/** What a registration will write of the registry: each party's person (new ones with their ids), and the fill-ins. */
export interface PartyPersonsPlan {
  personIds: string[];
  toCreate: NewPerson[];
  updates: { id: string; fill: Partial<PersonRow> }[];
}

/** Writes the fill-ins and other names plans found for existing records (one update per record, names merged). */
export async function applyPersonUpdates(tx: Tx, districtCode: string, updates: PartyPersonsPlan['updates']): Promise<void> {
  const merged = new Map<string, Partial<PersonRow>>();
  for (const u of updates) {
    const before = merged.get(u.id);
    merged.set(u.id, {
      ...u.fill,
      ...before,
      ...(before?.aliases || u.fill.aliases ? { aliases: [...new Set([...(before?.aliases ?? []), ...(u.fill.aliases ?? [])])] } : {}),
    });
  }
  // In id order: two registrations written at once that fill the same records lock them in the same order, so one
  // waits for the other instead of deadlocking.
  for (const [id, fill] of [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    await tx
      .update(persons)
      .set({ ...fill, updatedAt: new Date() })
      .where(and(eq(persons.districtCode, districtCode), eq(persons.id, id)));
  }
}

/** `planPartyPersons`, written at once: the registry's record for each party, created where there was none. */
export async function resolvePartyPersons(
  tx: Tx,
  crypto: PersonalDataCrypto,
  districtCode: string,
  parties: readonly PartyInput[],
): Promise<string[]> {
  const plan = await planPartyPersons(tx, crypto, districtCode, parties);
  await applyPersonUpdates(tx, districtCode, plan.updates);
  if (plan.toCreate.length) await tx.insert(persons).values(plan.toCreate);
  return plan.personIds;
}

/** A party as the case keeps it: the given values, personal ones encrypted (`case_parties`). */
export function partyAsGiven(crypto: PersonalDataCrypto, party: PartyInput) {
  return {
    type: party.type,
    name: comparable(party.name),
    idNumberEnc: party.idNumber ? crypto.encrypt(party.idNumber) : null,
    phoneEnc: party.phone ? crypto.encrypt(party.phone) : null,
    addressEnc: party.address ? crypto.encrypt(party.address) : null,
    creditCode: party.creditCode ?? null,
  };
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
  const [row] = await db
    .select()
    .from(persons)
    .where(and(eq(persons.districtCode, districtCode), eq(persons.id, id)));
  return row;
}

/** The registry's record for one person given outside a case (a counselling walk-in), by the same rules as a party. */
export async function findOrCreatePerson(tx: Tx, crypto: PersonalDataCrypto, districtCode: string, party: PartyInput): Promise<string> {
  return (await resolvePartyPersons(tx, crypto, districtCode, [party]))[0]!;
}
