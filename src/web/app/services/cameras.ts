import type { z } from 'zod';
import type { Camera, cameraAlertSchema } from '../../../shared/schemas/cameras.js';
import { api } from '../api.js';

// The camera requests the cameras page, the map and the wall screen share (src/server/modules/cameras/cameras.routes.ts).

export type CameraAlert = z.infer<typeof cameraAlertSchema>;

/** `GET /api/cameras` (listCameras): the camera points with their online status and the last day's alerts. */
export function listCameras(): Promise<Camera[]> {
  return api('/api/cameras');
}

/** `GET /api/cameras/{id}/alerts` (listCameraAlerts): one camera's recent alerts, folded per type, with their cases. */
export function listCameraAlerts(cameraId: string): Promise<CameraAlert[]> {
  return api(`/api/cameras/${cameraId}/alerts`);
}
