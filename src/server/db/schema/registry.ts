/** What staff decided about the registry's records (modules/registry/): merges and pairs that are not one person. */
import { index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { district } from './columns.js';

/** Person records staff merged (one person, two records): reversible, so the merge itself is kept. */
export const personMerges = pgTable(
  'person_merges',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    fromPersonId: uuid('from_person_id').notNull(),
    intoPersonId: uuid('into_person_id').notNull(),
    reason: text('reason').notNull(),
    mergedBy: uuid('merged_by').notNull(),
    mergedAt: timestamp('merged_at', { withTimezone: true }).notNull().defaultNow(),
    undoneBy: uuid('undone_by'),
    undoneAt: timestamp('undone_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.id] }), index('person_merges_from_idx').on(t.districtCode, t.fromPersonId)],
);

/** Pairs staff said are not the same person: never offered as a likely match again. */
export const personNotSame = pgTable(
  'person_not_same',
  {
    districtCode: district(),
    personA: uuid('person_a').notNull(),
    personB: uuid('person_b').notNull(),
    decidedBy: uuid('decided_by').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.personA, t.personB] })],
);
