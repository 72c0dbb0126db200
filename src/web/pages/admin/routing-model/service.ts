import type { RoutingModelReport } from '../../../../shared/schemas/learning.js';
import { api } from '../../../app/api.js';

// 智能分流模型's requests (src/server/modules/learning/routing.routes.ts), named after their operationIds.

/** `GET /api/routing/model` (getRoutingModel): the model's report on held-out recent cases. */
export function getRoutingModel(): Promise<RoutingModelReport> {
  return api('/api/routing/model');
}

/** `POST /api/routing/model/train` (trainRoutingModel): trains now; the new model replaces the active one only if not worse. */
export function trainRoutingModel(): Promise<RoutingModelReport> {
  return api('/api/routing/model/train', { method: 'POST' });
}
