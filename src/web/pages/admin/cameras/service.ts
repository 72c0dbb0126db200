import type { Camera, CameraInput } from '../../../../shared/schemas/cameras.js';
import { api } from '../../../app/api.js';

// 视频监控点位's own requests (src/server/modules/cameras/cameras.routes.ts), named after their operationIds. The list
// and a camera's alerts are shared with the map and the wall screen: src/web/app/services/cameras.ts.

/** `POST /api/cameras` (createCamera): a new camera point. */
export function createCamera(body: CameraInput): Promise<Camera> {
  return api('/api/cameras', { method: 'POST', json: body });
}

/** `PUT /api/cameras/{id}` (updateCamera): a camera point corrected. */
export function updateCamera(id: string, body: CameraInput): Promise<Camera> {
  return api(`/api/cameras/${id}`, { method: 'PUT', json: body });
}
