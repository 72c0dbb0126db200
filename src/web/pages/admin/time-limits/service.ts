import type { z } from 'zod';
import type { recomputeBodySchema, TimeLimit, TimeLimitInput } from '../../../../shared/schemas/time-limits.js';
import { api } from '../../../app/api.js';

// 办理时限's requests (src/server/modules/deadlines/deadlines.routes.ts), named after their operationIds.

/** `GET /api/time-limits` (listTimeLimits): the district's time limits, by stage and priority. */
export function listTimeLimits(): Promise<{ items: TimeLimit[] }> {
  return api('/api/time-limits');
}

/** `POST /api/time-limits` (createTimeLimit): a new rule. */
export function createTimeLimit(body: TimeLimitInput): Promise<TimeLimit> {
  return api('/api/time-limits', { method: 'POST', json: body });
}

/** `PUT /api/time-limits/{id}` (updateTimeLimit): a rule changed; running clocks keep the limit they started with. */
export function updateTimeLimit(id: string, body: TimeLimitInput): Promise<TimeLimit> {
  return api(`/api/time-limits/${id}`, { method: 'PUT', json: body });
}

/** `POST /api/time-limits/recompute` (recomputeDeadlines): running deadlines moved to the current rules, with a reason. */
export function recomputeDeadlines(body: z.input<typeof recomputeBodySchema>): Promise<{ recomputed: number }> {
  return api('/api/time-limits/recompute', { method: 'POST', json: body });
}
