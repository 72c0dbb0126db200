import type { Urge } from '../../../../shared/schemas/cases.js';
import { api } from '../../../app/api.js';

/** An urge with its case (the route's own schema: src/server/modules/supervision/urges.routes.ts). */
export type UrgeRow = Urge & { caseCode: string; caseSummary: string };

/** `GET /api/urges` (listUrges): the urges my unit must answer (`received`) or that I issued, open only or all. */
export function listUrges(query: {
  box: 'received' | 'issued';
  status: 'open' | 'all';
  page: number;
  pageSize: number;
}): Promise<{ items: UrgeRow[]; total: number; page: number; pageSize: number }> {
  return api(`/api/urges?box=${query.box}&status=${query.status}&page=${query.page}&pageSize=${query.pageSize}`);
}
