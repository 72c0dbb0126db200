import { z } from 'zod';
import { line, token } from './text.js';
import { CAMERA_ALERT_TYPES } from '../enums.js';

export const cameraInputSchema = z.object({
  code: line(40)
    .regex(/^[\w.-]+$/, 'letters, digits, _ . - only')
    .describe('点位编号, e.g. WY-DF-001 (also its MQTT topic segment)'),
  name: line(100),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  unitCode: line(40).describe('The grid it watches'),
  streamUrl: line(500)
    .regex(/^(rtsp|rtmp|https?):\/\//, 'rtsp/rtmp/http(s) only')
    .nullable()
    .default(null)
    .describe('The stream on the centre’s video gateway'),
});
export type CameraInput = z.infer<typeof cameraInputSchema>;

export const cameraSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  lat: z.number(),
  lng: z.number(),
  unit: z.object({ id: z.string(), code: z.string(), name: z.string() }),
  streamUrl: z.string().nullable(),
  status: z.enum(['online', 'offline']),
  lastHeartbeatAt: z.string().nullable(),
  openAlerts: z.number().describe('Events of the last 24 hours'),
});
export type Camera = z.infer<typeof cameraSchema>;

export const cameraAlertSchema = z.object({
  id: z.string(),
  alertType: z.string(),
  count: z.number(),
  firstAt: z.string(),
  lastAt: z.string(),
  caseId: z.string(),
  caseCode: z.string(),
  caseStatus: z.string(),
});

/** What a video-analytics device sends, by MQTT (`<prefix>/<code>/alert`) or signed webhook. */
export const alertMessageSchema = z.object({
  type: line(40).describe(`One of ${CAMERA_ALERT_TYPES.join(', ')}; others are kept as “other”`),
  at: z.string().datetime({ offset: true }).optional().describe('When the device saw it'),
  confidence: z.number().min(0).max(1).optional(),
  /** A JPEG or PNG snapshot, base64 (at most 2 MB decoded). */
  snapshot: token(2_800_000).optional(),
});
export type AlertMessage = z.infer<typeof alertMessageSchema>;

export const webhookAlertSchema = alertMessageSchema.extend({ cameraCode: token(40) });
export const webhookHeartbeatSchema = z.object({ cameraCode: token(40) });

/** `GET /api/cameras`: the register of camera points. */
export const cameraListSchema = z.array(cameraSchema);

/** `GET /api/cameras/:id/alerts`: a camera's alerts, newest first. */
export const cameraAlertListSchema = z.array(cameraAlertSchema);

/** The connected system a camera webhook comes from (its API client id); the HMAC headers are checked beside it. */
export const cameraWebhookHeadersSchema = z.object({ 'x-fengqiao-client': z.string().uuid() });

/** A camera alert received: the case it joined (or opened), how many alerts that case now holds, whether it is new. */
export const cameraAlertReceivedSchema = z.object({ caseCode: z.string(), count: z.number(), isNew: z.boolean() });
