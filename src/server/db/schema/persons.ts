/** The registry's records of persons and organisations (modules/persons/). */
import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { PartyType } from '../../../shared/enums.js';
import { bytea, district, createdAt } from './columns.js';

/**
 * Persons and organisations that appear as parties. ID number, phone and address are AES-256-GCM ciphertext;
 * the `*_hash` columns are HMAC-SHA256 of the normalised value, for exact lookup without decrypting.
 */
export const persons = pgTable(
  'persons',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    type: text('type').$type<PartyType>().notNull(),
    name: text('name').notNull(),
    idNumberEnc: bytea('id_number_enc'),
    idNumberHash: text('id_number_hash'),
    phoneEnc: bytea('phone_enc'),
    phoneHash: text('phone_hash'),
    addressEnc: bytea('address_enc'),
    /** Keyed hash of the normalised address: "same address" without reading it. */
    addressHash: text('address_hash'),
    /** Keyed hash of the phone's last four digits: "same name, same phone ending" as a likely match. */
    phoneSuffixHash: text('phone_suffix_hash'),
    /** The name in toneless pinyin (张三 / 张叁 → zhang san): homophones typed at intake are offered as likely matches. */
    namePinyin: text('name_pinyin'),
    /** 统一社会信用代码 of an organisation (GB 32100), plain: it is public. */
    creditCode: text('credit_code'),
    /** Set when staff merged this record into another (reversible: the merge log keeps both). */
    mergedInto: uuid('merged_into'),
    /** Other names this person was registered under, each confirmed by a clerk as the same person (same ID number). */
    aliases: text('aliases')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('persons_id_number_hash_idx').on(t.districtCode, t.idNumberHash),
    index('persons_phone_hash_idx').on(t.districtCode, t.phoneHash),
    // The records staff merged into one (few): the intake preview asks on every registration.
    index('persons_merged_into_idx')
      .on(t.districtCode, t.mergedInto)
      .where(sql`${t.mergedInto} is not null`),
    index('persons_phone_suffix_idx').on(t.districtCode, t.phoneSuffixHash),
    index('persons_address_hash_idx').on(t.districtCode, t.addressHash),
    index('persons_name_pinyin_idx').on(t.districtCode, t.namePinyin),
    index('persons_credit_code_idx').on(t.districtCode, t.creditCode),
    // An organisation without a credit code is known by its exact name (registration and the intake preview ask).
    index('persons_org_name_idx')
      .on(t.districtCode, t.name)
      .where(sql`${t.type} = 'organization'`),
    index('persons_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
  ],
);
