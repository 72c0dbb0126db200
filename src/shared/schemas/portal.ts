import { z } from 'zod';
import { CATEGORIES, SATISFACTIONS } from '../enums.js';
import { NARRATIVE_MAX } from '../limits.js';
import { publicProgressSchema } from './cases.js';
import { idempotencyHeadersSchema } from './common.js';
import { line, mobileSchema, paragraph, token } from './text.js';

export const startVerificationBodySchema = z.object({ phone: mobileSchema });
export const startVerificationResponseSchema = z.object({
  verificationId: z.string(),
  expiresAt: z.string(),
  resendAfterSeconds: z.number(),
  demoCode: z.string().optional().describe('Demo installations without an SMS gateway only: the code, shown on screen'),
});

export const confirmVerificationBodySchema = z.object({ code: line(20).regex(/^\d{6}$/, 'VERIFICATION_CODE_INVALID') });
export const confirmVerificationResponseSchema = z.object({
  ticket: z.string().describe('Send as X-Portal-Ticket with the report and its photos'),
  expiresAt: z.string(),
  maskedPhone: z.string(),
});

/** 群众自助申请: what a resident fills in on the portal. */
export const portalReportBodySchema = z.object({
  kind: z.enum(['dispute', 'help']).describe('矛盾纠纷 or 咨询求助'),
  category: z.enum(CATEGORIES),
  name: line(50),
  narrative: paragraph(NARRATIVE_MAX, { min: 10, minMessage: '请把事情经过写清楚（至少 10 个字）' }).describe(
    'What happened, in the resident’s own words (at least 10 characters)',
  ),
  peopleInvolved: z.number().int().min(1).max(10_000).default(1),
  place: z.object({
    address: line(200),
    unitCode: line(40).optional().describe('The street or community, from /api/public/places'),
  }),
  respondent: line(100, { min: 0 }).optional().describe('The other party, if any (a person or a company)'),
  /** Left empty by people; filled by form-filling robots. */
  website: token(200, { min: 0 }).optional(),
});
export type PortalReportBody = z.input<typeof portalReportBodySchema>;

export const portalReportResponseSchema = z.object({
  code: z.string(),
  trackingToken: z.string(),
  status: z.string(),
  registeredAt: z.string(),
  photoLimit: z.number(),
});

export const portalRatingBodySchema = z.object({
  satisfaction: z.enum(SATISFACTIONS),
  comment: paragraph(500, { min: 0 }).optional(),
});

export const publicPlaceSchema = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.enum(['street', 'community']),
  parentCode: z.string().nullable(),
});
export type PublicPlace = z.infer<typeof publicPlaceSchema>;

/** The portal's verified phone: the ticket `POST /api/public/verifications/:id/confirm` gave (optional where a report may go unverified). */
export const portalTicketHeadersSchema = z.object({ 'x-portal-ticket': token(100, { min: 0 }).optional() });

/** A case by the tracking code on its receipt: `/api/public/…/:trackingToken`. */
export const trackingTokenParamsSchema = z.object({ trackingToken: line(64) });

/** `GET /api/public/places`: the streets and communities for the place field. */
export const publicPlaceListSchema = z.array(publicPlaceSchema);

/** `POST /api/public/counselling-requests`: what to call the resident, and what they would like to talk about. */
export const portalCounsellingRequestBodySchema = z.object({
  name: line(50, { minMessage: '请填写称呼' }),
  reason: paragraph(500, { min: 2, minMessage: '请简单说说您想聊的事' }),
});
export type PortalCounsellingRequestBody = z.input<typeof portalCounsellingRequestBodySchema>;

/** The request was received (a counsellor calls back). */
export const receivedSchema = z.object({ received: z.boolean() });
export type Received = z.infer<typeof receivedSchema>;

/** `POST /api/public/reports`: the verified phone's ticket, and the retried submission's key. */
export const portalReportHeadersSchema = portalTicketHeadersSchema.extend(idempotencyHeadersSchema.shape);

/** `POST /api/public/progress/:trackingToken/rating`: the case rated, by its code and status. */
export const ratedCaseSchema = publicProgressSchema.pick({ code: true, status: true });
