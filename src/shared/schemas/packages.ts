import { z } from 'zod';
import { CASE_STATUSES } from '../case-lifecycle.js';
import { OUTCOMES, RISK_LEVELS } from '../enums.js';
import { NARRATIVE_MAX } from '../limits.js';
import { idParamsSchema } from './common.js';
import { line, paragraph } from './text.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const createPackageBodySchema = z.object({
  name: line(100).describe('e.g. 某置业公司逾期交房群体纠纷'),
  leadUnitId: z.string().uuid(),
  coUnitIds: z.array(z.string().uuid()).max(20).default([]),
  handlerId: z.string().uuid().nullable().default(null).describe('The package handler (包案人)'),
  deadline: isoDate.nullable().default(null),
  caseIds: z.array(z.string().uuid()).min(2).max(500),
});
export type CreatePackageBody = z.input<typeof createPackageBodySchema>;

export const packageSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['open', 'concluded']),
  leadUnit: z.object({ id: z.string(), name: z.string() }),
  handler: z.object({ id: z.string(), name: z.string() }).nullable(),
  deadline: z.string().nullable(),
  size: z.number().describe('Member cases now'),
  peopleInvolved: z.number().describe('People involved across the member cases'),
  ageDays: z.number(),
  riskLevel: z.enum(RISK_LEVELS).describe('The highest risk among the members'),
  createdAt: z.string(),
});
export type PackageSummary = z.infer<typeof packageSummarySchema>;

export const packageDetailSchema = packageSummarySchema.extend({
  coUnits: z.array(z.object({ id: z.string(), name: z.string() })),
  conclusion: z.string().nullable(),
  members: z.array(
    z.object({
      caseId: z.string(),
      code: z.string(),
      summary: z.string(),
      status: z.enum(CASE_STATUSES),
      peopleInvolved: z.number(),
      riskLevel: z.enum(RISK_LEVELS),
      proposedOutcome: z.enum(OUTCOMES).nullable(),
      proposedNote: z.string().nullable(),
    }),
  ),
  meetings: z.array(z.object({ id: z.string(), heldOn: z.string(), attendees: z.string(), minutes: z.string(), createdAt: z.string() })),
  timeline: z.array(
    z.object({ at: z.string(), what: z.enum(['created', 'member_added', 'member_removed', 'meeting', 'concluded']), text: z.string() }),
  ),
});
export type PackageDetail = z.infer<typeof packageDetailSchema>;

export const addMemberBodySchema = z.object({ caseId: z.string().uuid() });
export const removeMemberBodySchema = z.object({ reason: paragraph(500) });
export const meetingBodySchema = z.object({
  heldOn: isoDate,
  attendees: paragraph(1000).describe('Units and people present'),
  minutes: paragraph(NARRATIVE_MAX),
});
export const concludePackageBodySchema = z.object({
  conclusion: paragraph(NARRATIVE_MAX).describe('How the package was settled'),
  outcomes: z.array(z.object({ caseId: z.string().uuid(), outcome: z.enum(OUTCOMES), note: paragraph(2000) })).min(1),
});

/** `GET /api/packages`: open packages (the default), concluded ones, or all. */
export const listPackagesQuerySchema = z.object({ status: z.enum(['open', 'concluded', 'all']).default('open') });

/** `GET /api/packages`: the packages, newest first. */
export const packageListSchema = z.array(packageSummarySchema);

/** A package's member case: `/api/packages/:id/members/:caseId/remove`. */
export const packageMemberParamsSchema = idParamsSchema.extend({ caseId: z.string().uuid() });
