import { z } from 'zod';
import { idParamsSchema, queryFlagSchema } from './common.js';
import { onlineRecordSchema } from './online.js';
import { line, paragraph } from './text.js';

/**
 * What the agreement is about, as far as judicial confirmation cares (人民调解法 Art.33; 民事诉讼法 Art.205 and its
 * interpretation): status relationships and the confirmation of property or IP rights cannot be confirmed by a court.
 */
export const SUBJECT_MATTERS = [
  'wages',
  'debt',
  'contract',
  'damages',
  'property_use',
  'family_support',
  'neighbourhood',
  'status_relationship',
  'property_right_confirmation',
  'ip_right_confirmation',
  'other',
] as const;
export type SubjectMatter = (typeof SUBJECT_MATTERS)[number];
export const NOT_CONFIRMABLE: readonly SubjectMatter[] = ['status_relationship', 'property_right_confirmation', 'ip_right_confirmation'];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const agreementTermSchema = z.object({
  text: paragraph(2000, { min: 0 }).describe('What is agreed'),
  method: paragraph(500, { min: 0 }).describe('How it is performed (一次性转账、分期支付、当面交付…)'),
  dueDate: isoDate.nullable().describe('By when'),
});

export const PERFORMANCES = ['pending', 'performed', 'partly', 'not_performed'] as const;
export const performanceBodySchema = z.object({
  performance: z.enum(['performed', 'partly', 'not_performed']),
  note: paragraph(1000, { min: 0 }).nullable().default(null),
});

/** The draft as the mediator writes it; finalising checks every statutory item. */
export const agreementInputSchema = z.object({
  form: z.enum(['written', 'oral']).default('written'),
  subjectMatter: z.enum(SUBJECT_MATTERS),
  partyIds: z.array(z.string().uuid()).max(50).optional().describe('The case parties who are parties to it (default: all)'),
  facts: paragraph(10_000, { min: 0 }).default('').describe('纠纷主要事实'),
  disputedMatters: paragraph(10_000, { min: 0 }).default('').describe('争议事项'),
  responsibilities: paragraph(10_000, { min: 0 }).default('').describe('各方责任'),
  terms: z.array(agreementTermSchema).max(50).default([]),
  committeeName: line(100).optional().describe('人民调解委员会 (default: the lead unit’s)'),
});
export type AgreementInput = z.input<typeof agreementInputSchema>;

export const SIGNERS = ['party', 'mediator', 'committee'] as const;
export const signatureBodySchema = z.object({
  signer: z.enum(SIGNERS),
  partyId: z.string().uuid().optional().describe('For a party'),
  kind: z.enum(['signature', 'fingerprint', 'seal']),
});

export const judicialConfirmationBodySchema = z.object({
  court: line(100),
  appliedOn: isoDate,
  decision: z.enum(['confirmed', 'rejected']).nullable().default(null),
  decidedOn: isoDate.nullable().default(null),
  note: paragraph(2000, { min: 0 }).nullable().default(null),
});

export const agreementSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  form: z.enum(['written', 'oral']),
  status: z.enum(['draft', 'final', 'effective']),
  subjectMatter: z.enum(SUBJECT_MATTERS),
  parties: z.array(z.object({ partyId: z.string(), name: z.string(), role: z.string(), signed: z.boolean() })),
  facts: z.string(),
  disputedMatters: z.string(),
  responsibilities: z.string(),
  terms: z.array(
    agreementTermSchema.extend({
      performance: z.enum(PERFORMANCES),
      performanceNote: z.string().nullable(),
      isOverdue: z.boolean().describe('Due date passed and not performed'),
    }),
  ),
  mediator: z.object({ id: z.string(), name: z.string(), signed: z.boolean() }),
  committeeName: z.string(),
  committeeSealed: z.boolean(),
  missingItems: z.array(z.string()).describe('Statutory items still missing (Art.29), as error codes'),
  effectiveOn: z.string().nullable(),
  judicialConfirmation: z.object({
    eligible: z.boolean(),
    reason: z.string().describe('Why (not) eligible, in words'),
    windowEndsOn: z.string().nullable().describe('Last day to apply jointly: 30 days from the day it took effect'),
    court: z.string().nullable(),
    appliedOn: z.string().nullable(),
    decision: z.enum(['confirmed', 'rejected']).nullable(),
    decidedOn: z.string().nullable(),
  }),
});
export type Agreement = z.infer<typeof agreementSchema>;

export const scheduleSessionBodySchema = z.object({
  scheduledAt: z.string().datetime({ offset: true }),
  room: line(100).describe('A room of the mediation zone'),
  mediatorNames: line(200),
  invitedPartyIds: z.array(z.string().uuid()).min(1).max(50),
  isPublic: z.boolean().default(false).describe('公开调解 — the parties’ choice (人民调解法 Art.23)'),
});

export const recordSessionBodySchema = z.object({
  attendedPartyIds: z.array(z.string().uuid()).max(50),
  rightsNote: paragraph(2000).describe('How the rights were explained and what the parties chose'),
  statements: z.array(z.object({ partyId: z.string().uuid(), text: paragraph(10_000) })).max(50),
  record: paragraph(50_000).describe('调解笔录'),
  outcome: z
    .enum(['continue', 'agreement_reached', 'refused'])
    .describe('refused: a party clearly refuses mediation (Art.17) — mediation ends'),
});

export const sessionSchema = z.object({
  id: z.string(),
  scheduledAt: z.string(),
  room: z.string(),
  mediatorNames: z.string(),
  invitedPartyIds: z.array(z.string()),
  isPublic: z.boolean(),
  status: z.enum(['scheduled', 'held', 'cancelled']),
  attendedPartyIds: z.array(z.string()).nullable(),
  rightsNote: z.string().nullable(),
  statements: z.array(z.object({ partyId: z.string(), text: z.string() })).nullable(),
  record: z.string().nullable(),
  outcome: z.enum(['continue', 'agreement_reached', 'refused']).nullable(),
  online: onlineRecordSchema.describe('线上调解: attendance with join and leave times, the recording note'),
});

export const policeReferralBodySchema = z.object({ reason: paragraph(2000) });

/** 信访处理意见书 and the review / re-review opinions. */
export const PETITION_STAGES = ['reply', 'review', 're_review'] as const;
export type PetitionStage = (typeof PETITION_STAGES)[number];
export const PETITION_DECISIONS = ['support', 'explain', 'not_support'] as const;
export const petitionReplyBodySchema = z.object({
  stage: z.enum(PETITION_STAGES),
  request: paragraph(5000, { min: 0 }).default('').describe('信访请求'),
  factsAndReasons: paragraph(20_000, { min: 0 }).default('').describe('事实和理由'),
  decision: z.enum(PETITION_DECISIONS).nullable().default(null).describe('支持 / 解释说明 / 不予支持'),
  legalBasis: paragraph(5000, { min: 0 }).default('').describe('法律依据'),
  issuingBody: line(100, { min: 0 }).optional(),
});
export const petitionReplySchema = z.object({
  id: z.string(),
  stage: z.enum(PETITION_STAGES),
  request: z.string(),
  factsAndReasons: z.string(),
  decision: z.enum(PETITION_DECISIONS),
  legalBasis: z.string(),
  issuingBody: z.string(),
  issuedOn: z.string(),
  nextStepBy: z.string().nullable().describe('Last day to request 复查 (after a reply) or 复核 (after a review); null after 复核'),
});

/** `GET /api/cases/:id/agreement`: with `ifExists=true`, a case without an agreement answers 204 instead of 404. */
export const getAgreementQuerySchema = z.object({ ifExists: queryFlagSchema });

/** One term of the agreement (its place in the list): `/api/cases/:id/agreement/terms/:index/performance`. */
export const agreementTermParamsSchema = idParamsSchema.extend({ index: z.coerce.number().int().min(0).max(49) });

/** `GET /api/cases/:id/sessions`: the case's mediation sessions. */
export const sessionListSchema = z.array(sessionSchema);

/** `POST /api/cases/:id/refer-police`: whether the street's police station was told, and how many of its officers. */
export const policeReferralSchema = z.object({ stationNotified: z.boolean(), officers: z.number() });

/** `GET /api/cases/:id/petition-replies`: the opinions issued, stage by stage. */
export const petitionReplyListSchema = z.array(petitionReplySchema);

/** One stage's opinion: `/api/cases/:id/petition-replies/:stage/…`. */
export const petitionStageParamsSchema = idParamsSchema.extend({ stage: z.enum(PETITION_STAGES) });
