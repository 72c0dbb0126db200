import { api } from '../../../app/api.js';

/** One holding unit's row of 三个未 (the route's own schema: src/server/modules/supervision/reports.routes.ts). */
export interface ThreeFailuresRow {
  unitId: string;
  unitName: string;
  cases: number;
  notAccepted: number;
  notHandled: number;
  unlawful: number;
}

/** `GET /api/reports/three-failures` (reportThreeFailures): cases registered from `from` to `to` (YYYY-MM-DD), by holding unit. */
export function reportThreeFailures(from: string, to: string): Promise<{ today: string; rows: ThreeFailuresRow[] }> {
  return api(`/api/reports/three-failures?from=${from}&to=${to}`);
}
