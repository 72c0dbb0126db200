import { z } from 'zod';
import { CASE_STATUSES } from '../case-lifecycle.js';
import { idNumberSchema, line, paragraph, phoneSchema } from './text.js';

/** In the body of a POST, never in the URL: a URL lands in access logs, proxies and the browser's history. */
export const personLookupBodySchema = z
  .object({ idNumber: idNumberSchema.optional(), phone: phoneSchema.optional() })
  .refine((q) => q.idNumber || q.phone, { message: 'idNumber or phone' });

export const earlierCaseSchema = z.object({
  id: z.string(),
  code: z.string(),
  summary: z.string(),
  status: z.enum(CASE_STATUSES),
  createdAt: z.string(),
  visible: z.boolean().describe('false: outside your jurisdiction; only its existence and code are shown'),
});

export const personLookupResponseSchema = z.object({
  person: z.object({ id: z.string(), name: z.string() }).nullable(),
  earlierCases: z.array(earlierCaseSchema),
});

export const revealBodySchema = z.object({
  field: z.enum(['idNumber', 'phone', 'address']),
  purpose: line(200, { min: 2 }).describe('Why the full value is needed (kept in the access log)'),
});

/** A party of a case: `/api/cases/:caseId/parties/:partyId/…`. */
export const partyParamsSchema = z.object({ caseId: z.string().uuid(), partyId: z.string().uuid() });

/** `POST …/reveal`: the field shown in full (null when the party has none); the reveal is logged first. */
export const revealedFieldSchema = z.object({ field: z.string(), value: z.string().nullable() });
export type RevealedField = z.infer<typeof revealedFieldSchema>;

/** A record that may be the same person: how many cases it holds and why it is offered. */
export const likelyPersonSchema = z.object({ id: z.string(), name: z.string(), caseCount: z.number(), reasons: z.array(z.string()) });
export type LikelyPerson = z.infer<typeof likelyPersonSchema>;

/** `GET /api/persons/:id/likely`: the records that may be this person too. */
export const likelyPersonListSchema = z.array(likelyPersonSchema);

/** `POST /api/persons/:id/merge`: the record this one is the same person as, and why (reversible, logged). */
export const mergePersonsBodySchema = z.object({ intoId: z.string().uuid(), reason: paragraph(500) });
export type MergePersonsBody = z.input<typeof mergePersonsBodySchema>;

/** The merge made, to undo it by. */
export const mergeMadeSchema = z.object({ mergeId: z.string() });
export type MergeMade = z.infer<typeof mergeMadeSchema>;

/** `POST /api/persons/:id/not-same`: a record never to offer as the same person again. */
export const notSamePersonBodySchema = z.object({ otherId: z.string().uuid() });
