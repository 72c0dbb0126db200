import type { ThreeFailuresReport } from '../../../../shared/schemas/supervision.js';
import { api } from '../../../app/api.js';

export type { ThreeFailuresRow } from '../../../../shared/schemas/supervision.js';

/** `GET /api/reports/three-failures` (reportThreeFailures): cases registered from `from` to `to` (YYYY-MM-DD), by holding unit. */
export function reportThreeFailures(from: string, to: string): Promise<ThreeFailuresReport> {
  return api(`/api/reports/three-failures?from=${from}&to=${to}`);
}
