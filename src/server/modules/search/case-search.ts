import { sql, type SQL } from 'drizzle-orm';
import { checkIdNumber, isValidPhone, normalizeIdNumber, normalizePhone } from '../../../shared/identifiers.js';
import { hasPermission } from '../../../shared/permissions.js';
import { caseParties, caseSearch, cases, persons } from '../../db/schema.js';
import { highlight, queryWords, wordQueries } from '../../lib/chinese-text.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { hashedWord } from './case-search-index.js';

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * What the case list's `q` means: a case code (or part of one) — a `where` on cases — or words searched in the
 * full-text index (`match` on `case_search`, joined to the case, ordered by `rank`): summary, narrative and notes for
 * everyone, parties' names and address words too for roles that may see parties. For those roles a mobile number or
 * a resident ID number finds the cases of the person on file with it, by its keyed hash (the number itself is stored
 * only encrypted): the registry's index, then that person's cases (case_parties_person_idx).
 */
export function caseSearchCondition(
  crypto: PersonalDataCrypto,
  actor: Actor,
  q: string,
): {
  where?: SQL;
  /** The matching cases, written for reading the GIN indexes. */
  match?: SQL;
  /** The same matches, written for checking rows one by one (cheaper there: each word settles a row at once). */
  rowMatch?: SQL;
  rank: SQL;
  words?: number;
} {
  const none = sql`0`;
  if (hasPermission(actor.role, 'case.searchParties')) {
    const phone = normalizePhone(q);
    const id = checkIdNumber(normalizeIdNumber(q));
    const key = isValidPhone(phone)
      ? { column: persons.phoneHash, value: phone }
      : id.valid
        ? { column: persons.idNumberHash, value: id.normalized }
        : null;
    if (key)
      return {
        where: sql`${cases.id} in (select ${caseParties.caseId} from ${caseParties} where ${caseParties.districtCode} = ${cases.districtCode}
          and ${caseParties.personId} in (select ${persons.id} from ${persons} where ${persons.districtCode} = ${cases.districtCode} and ${key.column} = ${crypto.lookupHash(key.value)}))`,
        rank: none,
      };
  }
  if (/^[\d\s-]+$/.test(q)) return { where: sql`${cases.code} like ${`%${escapeLike(q.replace(/\s/g, ''))}%`}`, rank: none };
  // The typed words, cut once: each on its own, and all of them together.
  const typed = queryWords(q);
  const words = wordQueries(typed);
  const text = words.length ? words.join(' & ') : undefined;
  if (!text) return { where: sql`${cases.summary} ilike ${`%${escapeLike(q)}%`}`, rank: none };
  const inText = sql`${caseSearch.searchVector} @@ to_tsquery('simple', ${text})`;
  const rank = sql`ts_rank_cd(${caseSearch.searchVector}, to_tsquery('simple', ${text}))`;
  if (!hasPermission(actor.role, 'case.searchParties'))
    return { match: sql`(${inText})`, rowMatch: sql`(${inText})`, rank, words: words.length };
  // With party access each word may be in the text or among the parties (a name and a complaint, say): word by word.
  const partyWords = wordQueries(typed, (x) => [hashedWord(crypto, x)]);
  const wordByWord = sql.join(
    words.map(
      (w, i) =>
        sql`(${caseSearch.searchVector} @@ to_tsquery('simple', ${w}) or ${caseSearch.partyVector} @@ to_tsquery('simple', ${partyWords[i]!}))`,
    ),
    sql` and `,
  );
  // Several words: the same matches written as “all in the text, or some among the parties and each somewhere”, so
  // that each GIN index is read once for all the words: word by word, PostgreSQL built a bitmap of every case holding
  // each word before intersecting them — 电梯困人, a rare pair with one word in a twentieth of all cases, read 50,000
  // entries in 35 ms at a million cases; all in the text, the index skips from the rare word: 0.6 ms
  // (docs/PERFORMANCE.md, reads seventeenth round). Checking rows one by one (the newest cases walked), word by word
  // costs less: counting a common pair's first thousand among the newest cases took 12 ms written so, 7 ms word by word.
  const match =
    words.length > 1
      ? sql`(${inText} or (${caseSearch.partyVector} @@ to_tsquery('simple', ${partyWords.join(' | ')}) and ${wordByWord}))`
      : wordByWord;
  return { match: sql`(${match})`, rowMatch: sql`(${wordByWord})`, rank, words: words.length };
}

/** The passage of a found case to show under it, with the matching words marked. */
export function searchSnippet(row: { summary: string; narrative: string }, q: string) {
  const pieces = highlight(row.narrative, q);
  return pieces.some((p) => p.hit) ? pieces : highlight(row.summary, q);
}
