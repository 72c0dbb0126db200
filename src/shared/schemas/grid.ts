import { z } from 'zod';
import { paragraph } from './text.js';

/** `POST /api/grid/checkins`: a patrol check-in as made on the phone (its id made there, so one sent twice is kept once). */
export const checkinBodySchema = z.object({
  id: z.string().uuid().describe('Made on the phone; the same id twice is one check-in'),
  at: z.string().datetime({ offset: true }).describe('When the worker checked in (may be long before it is sent)'),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
  note: paragraph(500, { min: 0 }).optional(),
});
export type CheckinBody = z.input<typeof checkinBodySchema>;

/** A check-in as the server keeps it. */
export const checkinSchema = checkinBodySchema.extend({
  receivedAt: z.string(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  note: z.string().nullable(),
});
export type Checkin = z.infer<typeof checkinSchema>;

/** `GET /api/grid/checkins`: the worker's own check-ins. */
export const checkinListSchema = z.array(checkinSchema);
