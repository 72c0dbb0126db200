import { z } from 'zod';
import { CASE_STATUSES } from '../case-lifecycle.js';
import { CASE_KINDS, CATEGORIES } from '../enums.js';

/**
 * 受理回执: what the resident takes home — who has the matter and how to reach them, when it was registered, the
 * codes, where to follow it (the progress address, also as a QR code) and what happens next by when. Public by
 * tracking token, like the progress page, and like it without any personal data.
 */
export const publicReceiptSchema = z.object({
  centre: z.object({
    name: z.string(),
    address: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  code: z.string(),
  trackingToken: z.string(),
  kind: z.enum(CASE_KINDS),
  category: z.enum(CATEGORIES),
  status: z.enum(CASE_STATUSES),
  registeredAt: z.string(),
  /** The same unit the progress page shows. */
  handlingUnit: z.string().nullable(),
  /** `PUBLIC_BASE_URL` + `/progress/<token>` (without it, the address the request came to): the receipt's QR code. */
  progressUrl: z.string(),
  /** The acceptance decision is due by this Shanghai date (from the case's acceptance clock), while it runs. */
  acceptBy: z.string().nullable(),
  /** The acceptance period as the rule states it, e.g. 1 working day or 15 days. */
  acceptWithin: z.object({ days: z.number().int(), unit: z.enum(['working', 'calendar']) }).nullable(),
  /** Once accepted, the handling is due by this Shanghai date (from the handling clock), while it runs. */
  handleBy: z.string().nullable(),
});
export type PublicReceipt = z.infer<typeof publicReceiptSchema>;
