import { z } from 'zod';
import { CASE_STATUSES } from '../case-lifecycle.js';
import { idNumberSchema, line, phoneSchema } from './text.js';

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
