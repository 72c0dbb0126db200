import { z } from 'zod';
import { CATEGORIES, SATISFACTIONS } from '../enums.js';
import { NARRATIVE_MAX } from '../limits.js';
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
