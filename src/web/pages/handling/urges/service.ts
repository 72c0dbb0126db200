import type { ListUrgesQuery, UrgeList } from '../../../../shared/schemas/supervision.js';
import { api } from '../../../app/api.js';

export type { UrgeRow } from '../../../../shared/schemas/supervision.js';

/** `GET /api/urges` (listUrges): the urges my unit must answer (`received`) or that I issued, open only or all. */
export function listUrges(query: ListUrgesQuery): Promise<UrgeList> {
  return api(`/api/urges?box=${query.box}&status=${query.status}&page=${query.page}&pageSize=${query.pageSize}`);
}
