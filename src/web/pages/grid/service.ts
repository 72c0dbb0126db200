import { api } from '../../app/api.js';

// The grid app's own requests: patrol check-ins (src/server/modules/grid/grid.routes.ts, whose schemas are the route's
// own), named after their operationIds. Cases, their photos and actions, and the session are shared with the staff
// app (src/web/app/services/).

/** A check-in as made on the phone: its id is made there, so the same check-in sent twice is kept once. */
export interface CheckinBody {
  id: string;
  at: string;
  lat?: number;
  lng?: number;
  note?: string;
}

/** A check-in as the server keeps it. */
export interface Checkin {
  id: string;
  at: string;
  lat: number | null;
  lng: number | null;
  note: string | null;
  receivedAt: string;
}

/** `POST /api/grid/checkins` (checkIn): one patrol check-in. */
export function checkIn(body: CheckinBody): Promise<Checkin> {
  return api('/api/grid/checkins', { method: 'POST', json: body });
}

/** `GET /api/grid/checkins` (listMyCheckins): the worker's recent check-ins. */
export function listMyCheckins(): Promise<Checkin[]> {
  return api('/api/grid/checkins');
}
