import type { Checkin, CheckinBody } from '../../../shared/schemas/grid.js';
import { api } from '../../app/api.js';

// The grid app's own requests: patrol check-ins (src/server/modules/grid/grid.routes.ts; their schemas in
// src/shared/schemas/grid.ts), named after their operationIds. Cases, their photos and actions, and the session are shared with the staff
// app (src/web/app/services/).

export type { Checkin, CheckinBody } from '../../../shared/schemas/grid.js';

/** `POST /api/grid/checkins` (checkIn): one patrol check-in. */
export function checkIn(body: CheckinBody): Promise<Checkin> {
  return api('/api/grid/checkins', { method: 'POST', json: body });
}

/** `GET /api/grid/checkins` (listMyCheckins): the worker's recent check-ins. */
export function listMyCheckins(): Promise<Checkin[]> {
  return api('/api/grid/checkins');
}
