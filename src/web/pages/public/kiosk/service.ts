import type { KioskReceipt, KioskScale, SubmitKioskBody } from '../../../../shared/schemas/counselling.js';
import { api } from '../../../app/api.js';

// 心理自评's requests by one-time link (src/server/modules/counselling/counselling.routes.ts), named after their operationIds.

/** `GET /api/public/kiosk/{token}` (readKiosk): the scale the link is for. */
export function readKiosk(token: string): Promise<KioskScale> {
  return api(`/api/public/kiosk/${token}`);
}

/** `POST /api/public/kiosk/{token}` (submitKiosk): the answers; a crisis answer says so at once. */
export function submitKiosk(token: string, body: SubmitKioskBody): Promise<KioskReceipt> {
  return api(`/api/public/kiosk/${token}`, { method: 'POST', json: body });
}
