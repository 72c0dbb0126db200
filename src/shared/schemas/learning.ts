import { z } from 'zod';
import { CASE_KINDS, CATEGORIES, OUTCOMES } from '../enums.js';
import { NARRATIVE_MAX } from '../limits.js';
import { line, paragraph } from './text.js';

/** What the clerk or dispatcher has typed so far (either may still be empty). */
export const routingSuggestBodySchema = z.object({
  summary: line(200, { min: 0 }).default(''),
  narrative: paragraph(NARRATIVE_MAX, { min: 0 }).default(''),
});
export type RoutingSuggestBody = z.input<typeof routingSuggestBodySchema>;

const confidence = z.number().min(0).max(1).describe('The model’s probability, 0–1');

export const routingSuggestionSchema = z.object({
  ready: z.boolean().describe('False until the district has enough concluded or dispatched cases: nothing is guessed then'),
  reason: z.string().nullable().describe('Why there is no suggestion (not ready, nothing typed yet)'),
  modelVersion: z.number().int().nullable(),
  kind: z.array(z.object({ value: z.enum(CASE_KINDS), confidence })),
  category: z.array(z.object({ value: z.enum(CATEGORIES), confidence })),
  unit: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), confidence })),
  words: z.array(z.string()).describe('The words that weighed most for the top category and unit'),
});
export type RoutingSuggestion = z.infer<typeof routingSuggestionSchema>;

export const ROUTING_CONTEXTS = ['reception', 'dispatch'] as const;

export const routingFeedbackBodySchema = z.object({
  context: z.enum(ROUTING_CONTEXTS),
  modelVersion: z.number().int().min(1).max(1_000_000),
  accepted: z.boolean().describe('Whether the suggestion was taken (the accept button), as opposed to shown and passed over'),
});
export type RoutingFeedbackBody = z.infer<typeof routingFeedbackBodySchema>;

const headReportSchema = z.object({
  classes: z.array(z.string()),
  names: z.array(z.string()).describe('What each class is called (unit names; the value itself for kinds and categories)'),
  matrix: z.array(z.array(z.number().int())).describe('Confusion matrix on the held-out recent cases: rows actual, columns predicted'),
  perClass: z.array(z.object({ label: z.string(), precision: z.number(), recall: z.number(), f1: z.number(), support: z.number().int() })),
  accuracy: z.number(),
  macroF1: z.number(),
  total: z.number().int(),
  uncovered: z.number().int().describe('Held-out cases whose label had too few examples to be learnt'),
  tooFew: z.array(z.object({ label: z.string(), name: z.string(), count: z.number().int() })),
});

const modelRunSchema = z.object({
  version: z.number().int(),
  status: z.enum(['active', 'retired', 'rejected', 'not_ready']),
  createdAt: z.string(),
  trainedBy: z.string().nullable().describe('The admin who asked for it; null for the scheduled retraining'),
  durationMs: z.number().int(),
  ready: z.boolean(),
  reason: z.string().nullable(),
  trainedOn: z.number().int(),
  heldOut: z.number().int(),
  heldOutAccuracy: z.number(),
  previousHeldOutAccuracy: z.number().nullable(),
});

export const routingModelReportSchema = z.object({
  ready: z.boolean(),
  reason: z.string().nullable(),
  active: modelRunSchema
    .extend({
      minPerCategory: z.number().int(),
      minPerUnit: z.number().int(),
      features: z.number().int(),
      heads: z.object({ kind: headReportSchema.nullable(), category: headReportSchema.nullable(), unit: headReportSchema.nullable() }),
    })
    .nullable(),
  runs: z.array(modelRunSchema).describe('The latest training runs, newest first (every model is kept)'),
  acceptance: z.object({
    shown: z.number().int(),
    accepted: z.number().int(),
    share: z.number().nullable(),
    byContext: z.array(z.object({ context: z.enum(ROUTING_CONTEXTS), shown: z.number().int(), accepted: z.number().int() })),
  }),
});
export type RoutingModelReport = z.infer<typeof routingModelReportSchema>;

/** 类案参考: one similar concluded case of the district. */
export const similarCaseSchema = z.object({
  caseId: z.string(),
  code: z.string(),
  summary: z.string(),
  category: z.enum(CATEGORIES),
  outcome: z.enum(OUTCOMES).nullable(),
  createdAt: z.string(),
  concludedAt: z.string(),
  durationDays: z.number().describe('Days from registration to conclusion'),
  score: z.number().describe('0–1: how alike'),
  reasons: z.array(z.string()).describe('Why it is alike: the shared words, the same category'),
  agreementTerms: z
    .array(z.string())
    .describe('The agreed terms, where an agreement was reached (names left out unless the user may reveal)'),
  parties: z.array(z.string()).nullable().describe('The parties’ names: only for users who may reveal them and see that case'),
  canOpen: z.boolean().describe('Whether the user may open that case'),
});
export const similarCasesSchema = z.object({ similar: z.array(similarCaseSchema) });
export type SimilarCases = z.infer<typeof similarCasesSchema>;

/** A handler of the chosen unit, ranked for this case at dispatch, with the figures behind the rank. */
export const handlerSuggestionSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  score: z.number().describe('0–1: record with this category, on time, satisfaction, experience, less the open load'),
  concluded: z.number().int().describe('Cases of this category the handler concluded'),
  settledShare: z.number().nullable().describe('Of those, the share settled (agreement, reply or other settlement)'),
  onTimeShare: z.number().nullable().describe('Of those, the share concluded within the handling time limit'),
  satisfiedShare: z.number().nullable().describe('Of those followed up, the share satisfied or basically satisfied'),
  openLoad: z.number().int().describe('Cases the handler has open now (any category)'),
  reasons: z.array(z.string()),
});
export const handlerSuggestionsSchema = z.object({ items: z.array(handlerSuggestionSchema) });
export type HandlerSuggestions = z.infer<typeof handlerSuggestionsSchema>;

/** `GET /api/cases/:id/handler-suggestions`: the unit the case is being sent to. */
export const handlerSuggestionsQuerySchema = z.object({ unitId: z.string().uuid() });
