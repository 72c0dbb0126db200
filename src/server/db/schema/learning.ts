/** Learning from the district’s own cases (modules/learning/): routing models and the feedback on them. */
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { district, createdAt, sqlList } from './columns.js';

export const ROUTING_MODEL_STATUSES = ['active', 'retired', 'rejected', 'not_ready'] as const;
export type RoutingModelStatus = (typeof ROUTING_MODEL_STATUSES)[number];

/**
 * Every training run of a district's routing model, kept (modules/learning/train-routing.ts): the one `active` model
 * answers suggestions; a new one becomes active only if it is not worse on the held-out recent cases, else `rejected`;
 * the one it replaced is `retired`; a run with too few cases is `not_ready` (with its reason in the report).
 */
export const routingModels = pgTable(
  'routing_models',
  {
    districtCode: district(),
    version: integer('version').notNull(),
    status: text('status').$type<RoutingModelStatus>().notNull(),
    /** The weights (vocabulary, IDF, one softmax head each for kind, category and lead unit); null when not ready. */
    model: jsonb('model').$type<Record<string, unknown>>(),
    /** Per-head precision/recall/F1 and confusion matrix on the held-out recent cases (routing-model.ts RoutingReport). */
    report: jsonb('report').$type<Record<string, unknown>>().notNull(),
    /** Who asked for it (an admin); null for the scheduled retraining. */
    trainedBy: uuid('trained_by'),
    durationMs: integer('duration_ms').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.version] }),
    uniqueIndex('routing_models_active_key')
      .on(t.districtCode)
      .where(sql`${t.status} = 'active'`),
    check('routing_models_status_check', sql`${t.status} in (${sqlList(ROUTING_MODEL_STATUSES)})`),
  ],
);

/** Whether staff took a routing suggestion they were shown (the accepted share on the model page and the cockpit). */
export const routingFeedback = pgTable(
  'routing_feedback',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    modelVersion: integer('model_version').notNull(),
    /** Where it was shown: the reception form or the dispatch dialog. */
    context: text('context').$type<'reception' | 'dispatch'>().notNull(),
    isAccepted: boolean('is_accepted').notNull(),
    userId: uuid('user_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.id] }), index('routing_feedback_created_idx').on(t.districtCode, t.createdAt)],
);
