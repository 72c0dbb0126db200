import type { z } from 'zod';
import type { personLookupBodySchema, personLookupResponseSchema } from '../../../../shared/schemas/persons.js';
import type { RelatedPreview, RelatedPreviewBody } from '../../../../shared/schemas/related.js';
import { api } from '../../../app/api.js';

// The reception form's own requests, named after their routes' operationIds. Registering the case is shared with the
// grid app (src/web/app/services/cases.ts), the receipt with the portal and online delivery (app/services/public.ts).

export type PersonLookup = z.infer<typeof personLookupResponseSchema>;

/**
 * `POST /api/persons/lookup` (lookupPerson): the person on file and their earlier cases. The identifiers go in the body,
 * never in the URL (access logs, proxies, history).
 */
export function lookupPerson(body: z.input<typeof personLookupBodySchema>): Promise<PersonLookup> {
  return api('/api/persons/lookup', { method: 'POST', json: body });
}

/** `POST /api/cases/related-preview` (previewRelated): 关联研判 of the draft (saves nothing). */
export function previewRelated(body: RelatedPreviewBody): Promise<RelatedPreview> {
  return api('/api/cases/related-preview', { method: 'POST', json: body });
}
