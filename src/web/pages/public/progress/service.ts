import type { z } from 'zod';
import type { PublicProgress } from '../../../../shared/schemas/cases.js';
import type { portalRatingBodySchema } from '../../../../shared/schemas/portal.js';
import { api } from '../../../app/api.js';

// The resident's progress page (src/server/modules/public/public.routes.ts and portal/portal.routes.ts), named after
// the routes' operationIds. The tracking code is typed in by hand, so it is encoded in the path.

/** `GET /api/public/progress/{trackingToken}` (getPublicProgress): where the matter stands. */
export function getPublicProgress(trackingToken: string): Promise<PublicProgress> {
  return api(`/api/public/progress/${encodeURIComponent(trackingToken)}`);
}

/** `POST /api/public/progress/{trackingToken}/rating` (rateCase): the resident's rating, the concluded case's follow-up. */
export function rateCase(
  trackingToken: string,
  body: z.input<typeof portalRatingBodySchema>,
): Promise<Pick<PublicProgress, 'code' | 'status'>> {
  return api(`/api/public/progress/${encodeURIComponent(trackingToken)}/rating`, { method: 'POST', json: body });
}
