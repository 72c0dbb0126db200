import type { MapLayers } from '../../../shared/schemas/map.js';
import type { Cockpit } from '../../../shared/schemas/stats.js';
import { api } from '../api.js';

// The figures the cockpit, the map and the wall screen share (src/server/modules/stats/stats.routes.ts and
// src/server/modules/map/map.routes.ts), named after their operationIds. `query` is the query string as the page built
// it, sent as it is.

/** `GET /api/stats/cockpit` (readCockpit): every figure, rate, breakdown and trend for a period and a unit (`cockpitQuerySchema`). */
export function readCockpit(query: string): Promise<Cockpit> {
  return api(`/api/stats/cockpit?${query}`);
}

/** `GET /api/map/layers` (readMapLayers): boundaries, cases and figures to draw for a period and a unit (`mapQuerySchema`). */
export function readMapLayers(query: string): Promise<MapLayers> {
  return api(`/api/map/layers?${query}`);
}
