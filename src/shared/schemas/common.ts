import { z } from 'zod';
import { token } from './text.js';

/** The path of a route about one record: `/…/:id`. */
export const idParamsSchema = z.object({ id: z.string().uuid() });

/** A page of an offset-paged list: page 1 first, 20 to a page unless asked (at most 100). */
export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

/** A 204 answer: nothing in the body. */
export const noContentSchema = z.null();

/** A yes/no given in a query string (`?final=true`), read as text. */
export const queryFlagSchema = z.enum(['true', 'false']).default('false');

/** A retried submission's key: the same key again answers the first submission's result instead of filing twice. */
export const idempotencyHeadersSchema = z.object({ 'idempotency-key': token(200, { min: 8 }).optional() });

/** One mediation session of a case: `/api/cases/:id/sessions/:sessionId/…` (its record, its online room, its recordings). */
export const caseSessionParamsSchema = idParamsSchema.extend({ sessionId: z.string().uuid() });
