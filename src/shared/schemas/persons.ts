import { z } from 'zod';
import { CASE_STATUSES } from '../case-lifecycle.js';

export const personLookupQuerySchema = z
  .object({ idNumber: z.string().max(40).optional(), phone: z.string().max(40).optional() })
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
  purpose: z.string().trim().min(2).max(200).describe('Why the full value is needed (kept in the access log)'),
});
