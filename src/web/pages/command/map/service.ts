import type { BoundaryImportResult, MapUnit } from '../../../../shared/schemas/map.js';
import { api } from '../../../app/api.js';

// 态势地图's own requests (src/server/modules/map/map.routes.ts), named after their operationIds. The layers are shared
// with the wall screen (src/web/app/services/stats.ts), the cameras with the cameras page (app/services/cameras.ts).

/** `GET /api/map/units/{id}` (readMapUnit): a unit's card for the period `from`–`to` (YYYY-MM-DD). */
export function readMapUnit(unitId: string, from: string, to: string): Promise<MapUnit> {
  return api(`/api/map/units/${unitId}?from=${from}&to=${to}`);
}

/**
 * `POST /api/map/boundaries` (importBoundaries): a boundaries file as read (JSON, unchecked here: the server checks it
 * against `boundaryImportSchema` and answers which codes name no unit).
 */
export function importBoundaries(body: unknown): Promise<BoundaryImportResult> {
  return api('/api/map/boundaries', { method: 'POST', json: body });
}
