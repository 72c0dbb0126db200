import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { PartyInput } from '../../../shared/schemas/cases.js';
import { stillMissing, type Db, type Tx } from '../../db/client.js';
import { caseParties, caseSearch, persons } from '../../db/schema.js';
import { namePinyin, tokenize } from '../../lib/chinese-text.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import { addressHash, phoneSuffixHash } from '../persons/persons.repository.js';

/**
 * The full-text index of cases (`case_search`). PostgreSQL's own parsers do not split Chinese, so the platform cuts
 * the text with jieba and stores the words in a `tsvector` with the `simple` configuration (no stemming, no stop
 * words), under a GIN index. Two vectors per case:
 * - `search_vector`: summary, narrative and every note or reason added later — what anyone who sees the case may find;
 * - `party_vector`: parties' names, and their address words as keyed hashes (the address itself stays encrypted) —
 *   searched only for roles that may see parties.
 */
const HASHED = 'h';

/**
 * Address words' hashes, remembered per key: a district's addresses share their streets and communities, and an HMAC
 * per word was 2.6 % of the server's CPU under a registration burst (docs/PERFORMANCE.md).
 */
const hashedWords = new WeakMap<PersonalDataCrypto, LRUCache<string, string>>();

/** An address word as stored in the party vector (and as a query looks for it). */
export function hashedWord(crypto: PersonalDataCrypto, word: string): string {
  let known = hashedWords.get(crypto);
  if (!known) hashedWords.set(crypto, (known = new LRUCache<string, string>({ max: 20_000 })));
  let hashed = known.get(word);
  if (hashed === undefined) known.set(word, (hashed = HASHED + crypto.lookupHash(`word:${word}`).slice(0, 20)));
  return hashed;
}

const asDocument = (tokens: readonly string[]) => tokens.join(' ');

/** The two documents of a newly registered case (jieba words joined by spaces), for `to_tsvector('simple', …)`. */
export function searchDocumentsOf(
  crypto: PersonalDataCrypto,
  row: { summary: string; narrative: string },
  parties: readonly Pick<PartyInput, 'name' | 'address'>[],
) {
  const words = tokenize(`${row.summary}\n${row.narrative}`);
  const partyWords = parties.flatMap((p) => [
    p.name.normalize('NFKC'),
    ...tokenize(p.name),
    ...(p.address ? tokenize(p.address).map((w) => hashedWord(crypto, w)) : []),
  ]);
  return { text: asDocument(words), parties: asDocument(partyWords) };
}

/** Sets both vectors of a case from what was registered (the backfill of older cases). */
export async function indexNewCase(
  tx: Tx,
  crypto: PersonalDataCrypto,
  row: { districtCode: string; id: string; summary: string; narrative: string; createdAt: Date | string },
  parties: readonly Pick<PartyInput, 'name' | 'address'>[],
) {
  const doc = searchDocumentsOf(crypto, row, parties);
  const createdAt = typeof row.createdAt === 'string' ? row.createdAt : row.createdAt.toISOString();
  await tx.execute(sql`
    insert into ${caseSearch} (district_code, case_id, search_vector, party_vector, case_created_at)
    values (${row.districtCode}, ${row.id}, to_tsvector('simple', ${doc.text}), to_tsvector('simple', ${doc.parties}), ${createdAt}::timestamptz)
    on conflict (district_code, case_id) do update set search_vector = excluded.search_vector, party_vector = excluded.party_vector`);
}

/** The jieba words of a later note or reason, as the document `to_tsvector('simple', …)` takes ('' when none). */
export const tokensOf = (text: string | undefined) => (text?.trim() ? asDocument(tokenize(text)) : '');

/** Adds the words of a later note or reason to the case's vector. */
export async function indexCaseText(tx: Tx | Db, row: { districtCode: string; id: string }, text: string) {
  const words = tokenize(text);
  if (words.length === 0) return;
  await tx.execute(sql`
    update ${caseSearch} set search_vector = search_vector || to_tsvector('simple', ${asDocument(words)})
    where district_code = ${row.districtCode} and case_id = ${row.id}`);
}

/**
 * Fills what databases from before the index lack: vectors of older cases (from summary, narrative and the timeline)
 * and the matching keys of older person records. Runs in batches at start; returns how many rows it filled.
 */
export async function backfillSearchIndex(db: Db, crypto: PersonalDataCrypto, batchSize = 200): Promise<number> {
  let filled = 0;
  let waits = 0;
  for (;;) {
    // Small batches in id order, skipping cases a step holds (FOR UPDATE): the backfill never waits on a request, so
    // the two cannot deadlock. `key share` is what inserting the vector takes anyway, and it does not conflict with the
    // statistics backfill's `no key update`, so the two backfills never skip each other's rows.
    const n = await db.transaction(async (tx) => {
      const { rows: batch } = await tx.execute<{
        district_code: string;
        id: string;
        summary: string;
        narrative: string;
        created_at: string;
      }>(sql`
        select c.district_code, c.id, c.summary, c.narrative, c.created_at::text from cases c
        where not exists (select 1 from ${caseSearch} s where s.district_code = c.district_code and s.case_id = c.id)
        order by c.district_code, c.id
        limit ${batchSize}
        for key share of c skip locked`);
      for (const row of batch) {
        const { rows: notes } = await tx.execute<{ reason: string }>(
          sql`select reason from case_events where district_code = ${row.district_code} and case_id = ${row.id} and reason is not null`,
        );
        const partyRows = await tx
          .select({ name: caseParties.name, addressEnc: caseParties.addressEnc })
          .from(caseParties)
          .where(and(eq(caseParties.districtCode, row.district_code), eq(caseParties.caseId, row.id)));
        await indexNewCase(
          tx,
          crypto,
          {
            districtCode: row.district_code,
            id: row.id,
            summary: row.summary,
            narrative: [row.narrative, ...notes.map((n) => n.reason)].join('\n'),
            createdAt: row.created_at,
          },
          partyRows.map((p) => ({ name: p.name, ...(p.addressEnc ? { address: crypto.decrypt(p.addressEnc) } : {}) })),
        );
      }
      return batch.length;
    });
    if (n === 0) {
      // Rows a step held this round: wait for it to end, then fill them (at most ~10 s of waiting: the next start
      // finishes the rest).
      if (
        ++waits > 50 ||
        !(await stillMissing(
          db,
          sql`not exists (select 1 from ${caseSearch} s where s.district_code = c.district_code and s.case_id = c.id)`,
        ))
      )
        break;
      continue;
    }
    filled += n;
  }
  for (;;) {
    const people = await db
      .select()
      .from(persons)
      .where(
        or(
          isNull(persons.namePinyin),
          and(sql`${persons.phoneEnc} is not null`, isNull(persons.phoneSuffixHash)),
          and(sql`${persons.addressEnc} is not null`, isNull(persons.addressHash)),
        ),
      )
      .limit(batchSize);
    if (people.length === 0) break;
    for (const p of people) {
      await db
        .update(persons)
        .set({
          namePinyin: namePinyin(p.name),
          ...(p.phoneEnc ? { phoneSuffixHash: phoneSuffixHash(crypto, crypto.decrypt(p.phoneEnc)) } : {}),
          ...(p.addressEnc ? { addressHash: addressHash(crypto, crypto.decrypt(p.addressEnc)) } : {}),
        })
        .where(and(eq(persons.districtCode, p.districtCode), eq(persons.id, p.id)));
    }
    filled += people.length;
  }
  // The planner's figures for the table were taken when it was empty: a search planned on them reads the whole district
  // (bench:cases, PERFORMANCE.md). Autovacuum would come to it within minutes; the first searches should not wait.
  if (filled > 0) await db.execute(sql`analyze ${caseSearch}`);
  return filled;
}
