import type { MediationForm } from '../../../../shared/schemas/stats.js';
import { api } from '../../../app/api.js';

/**
 * `GET /api/stats/mediation-form` (readMediationForm, src/server/modules/stats/stats.routes.ts): the month's 人民调解
 * statistics form; `query` is the query string as the page built it (`mediationFormQuerySchema`).
 */
export function readMediationForm(query: string): Promise<MediationForm> {
  return api(`/api/stats/mediation-form?${query}`);
}
