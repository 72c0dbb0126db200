/** The full-text index of cases (modules/search/). */
import { foreignKey, index, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tsvector, district } from './columns.js';
import { cases } from './cases.js';

/**
 * The full-text index of a case, one row per case, apart from `cases` so that reading a case never drags its vectors
 * along. jieba tokens in `simple` tsvectors under GIN indexes (see `modules/search/case-search-index.ts`).
 */
export const caseSearch = pgTable(
  'case_search',
  {
    districtCode: district(),
    caseId: uuid('case_id').notNull(),
    /** Summary, narrative and every later note or reason. */
    searchVector: tsvector('search_vector').notNull(),
    /** Parties' names and keyed hashes of their address words: searched only for roles that may see parties. */
    partyVector: tsvector('party_vector').notNull(),
    /** The case's registration time (it never changes): search ranks the newest matches (modules/search/case-search.ts). */
    caseCreatedAt: timestamp('case_created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.caseId] }),
    // Ascending, read backwards for newest first (see case_parties_person_idx); the id orders cases of one instant, as
    // search pages do (modules/cases/cases.repository.ts: the window is cut by time, then id).
    index('case_search_created_idx').on(t.districtCode, t.caseCreatedAt, t.caseId),
    index('case_search_text_idx').using('gin', t.searchVector),
    index('case_search_party_idx').using('gin', t.partyVector),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);
