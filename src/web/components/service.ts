import type { RoutingFeedbackBody, RoutingSuggestBody, RoutingSuggestion } from '../../shared/schemas/learning.js';
import type { Staff, Unit } from '../../shared/schemas/units.js';
import { api } from '../app/api.js';

// The requests of the shared components: the unit tree and its staff (`use-units.ts`) and the routing suggestions panel
// (`routing-suggestions.tsx`); each function is named after its route's operationId.

/** `GET /api/units` (listUnits): the district's org tree. */
export function listUnits(): Promise<{ items: Unit[] }> {
  return api('/api/units');
}

/** `GET /api/units/{unitId}/staff` (listUnitStaff): the people of one unit. */
export function listUnitStaff(unitId: string): Promise<{ items: Staff[] }> {
  return api(`/api/units/${unitId}/staff`);
}

/** `POST /api/routing/suggest` (suggestRouting): kind, category and lead unit suggested for what has been typed (saves nothing). */
export function suggestRouting(body: RoutingSuggestBody): Promise<RoutingSuggestion> {
  return api('/api/routing/suggest', { method: 'POST', json: body });
}

/** `POST /api/routing/feedback` (recordRoutingFeedback): whether a suggestion shown was taken. */
export function recordRoutingFeedback(body: RoutingFeedbackBody): Promise<void> {
  return api('/api/routing/feedback', { method: 'POST', json: body });
}
