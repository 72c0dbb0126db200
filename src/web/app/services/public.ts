import type { PublicReceipt } from '../../../shared/schemas/receipt.js';
import { api } from '../api.js';

/**
 * `GET /api/public/progress/{trackingToken}/receipt` (getPublicReceipt): the resident's receipt, the same document
 * at the reception desk, on the portal and delivered online (src/web/components/receipt/).
 */
export function getPublicReceipt(trackingToken: string): Promise<PublicReceipt> {
  return api(`/api/public/progress/${trackingToken}/receipt`);
}
