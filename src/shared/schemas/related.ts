import { z } from 'zod';
import { CASE_STATUSES } from '../case-lifecycle.js';
import { CASE_KINDS, CATEGORIES, CHANNELS, PARTY_ROLES, PARTY_TYPES } from '../enums.js';
import { NARRATIVE_MAX } from '../limits.js';
import { IDENTIFIER_RAW_MAX, line, paragraph } from './text.js';

/** The signals that raise a case's risk (RULES and the centre's own rules, editable by the admin). */
export const RISK_FLAGS = ['repeat', 'repeat_visits', 'skip_level', 'mass', 'threat', 'vulnerable'] as const;
export type RiskFlag = (typeof RISK_FLAGS)[number];

/**
 * A draft in the createCase body's shape, every field optional: the reception form asks while it is still being
 * filled in. Identifiers that do not check out yet are simply not used.
 */
export const relatedPreviewBodySchema = z.object({
  channel: z.enum(CHANNELS).optional(),
  kind: z.enum(CASE_KINDS).optional(),
  category: z.enum(CATEGORIES).optional(),
  summary: line(200, { min: 0 }).optional(),
  narrative: paragraph(NARRATIVE_MAX, { min: 0 }).optional(),
  peopleInvolved: z.number().int().min(1).max(100_000).optional(),
  riskLevel: line(20, { min: 0 }).optional(),
  difficulty: line(20, { min: 0 }).optional(),
  parties: z
    .array(
      z.object({
        role: z.enum(PARTY_ROLES).default('applicant'),
        type: z.enum(PARTY_TYPES).default('person'),
        name: line(100, { min: 0 }).optional(),
        // Raw as typed so far: normalised and checked by the preview, which skips what does not check out yet.
        idNumber: line(IDENTIFIER_RAW_MAX, { min: 0 }).optional(),
        phone: line(IDENTIFIER_RAW_MAX, { min: 0 }).optional(),
        address: line(200, { min: 0 }).optional(),
        creditCode: line(IDENTIFIER_RAW_MAX, { min: 0 }).optional(),
      }),
    )
    .max(50)
    .default([]),
  place: z.object({ address: line(200, { min: 0 }).optional(), unitCode: line(40, { min: 0 }).optional() }).optional(),
});
export type RelatedPreviewBody = z.input<typeof relatedPreviewBodySchema>;

export const riskSignalSchema = z.object({ flag: z.enum(RISK_FLAGS), reason: z.string() });
export type RiskSignal = z.infer<typeof riskSignalSchema>;

export const relatedCaseSchema = z.object({
  caseId: z.string(),
  code: z.string(),
  summary: z.string(),
  status: z.enum(CASE_STATUSES),
  createdAt: z.string(),
  score: z.number().describe('0–1: how likely the same matter or the same people'),
  reasons: z.array(z.string()).describe('Why, in words staff can check: 同一当事人, 同一地点, 相似诉求：拖欠 工资…'),
});
export type RelatedCase = z.infer<typeof relatedCaseSchema>;

export const relatedPreviewSchema = z.object({
  person: z
    .object({
      id: z.string(),
      name: z.string(),
      matchedBy: z.enum(['id_number', 'phone', 'credit_code']),
      nameDiffers: z
        .boolean()
        .describe('The ID number is on file under another name: registering asks the clerk to confirm it is the same person'),
      caseCount: z.number(),
      openCaseCount: z.number(),
    })
    .nullable()
    .describe('The applicant’s own record, when the ID number, phone or credit code is known'),
  likelyPersons: z
    .array(z.object({ id: z.string(), name: z.string(), score: z.number(), reasons: z.array(z.string()) }))
    .describe('Offered to staff to confirm; never merged silently'),
  related: z.array(relatedCaseSchema),
  flags: z.array(z.enum(RISK_FLAGS)),
  signals: z.array(riskSignalSchema),
  suggestedPackage: z
    .object({
      name: z.string(),
      caseIds: z.array(z.string()).describe('The related cases on the same issue (the draft joins them once registered)'),
      existingPackage: z.object({ id: z.string(), name: z.string() }).nullable().describe('An open package some of them are already in'),
    })
    .nullable()
    .describe('一揽子化解: a mass dispute is better handled as one package'),
});
export type RelatedPreview = z.infer<typeof relatedPreviewSchema>;

/** The admin's risk rules. */
export const riskRulesSchema = z.object({
  massPeopleThreshold: z.number().int().min(2).max(10_000).describe('People involved from which a dispute is a mass dispute (群体性)'),
  massCaseCount: z.number().int().min(2).max(1000).describe('…or this many related cases on one issue…'),
  massWindowDays: z.number().int().min(1).max(365).describe('…within this many days'),
  repeatVisitCount: z.number().int().min(2).max(100).describe('Visits by the same person that make repeat visits (重复访)…'),
  repeatVisitDays: z.number().int().min(1).max(3650).describe('…within this many days'),
  threatWords: z.array(line(20)).max(200).describe('Expressions that raise the risk (扬言…)'),
  vulnerableAgeFrom: z.number().int().min(50).max(120).describe('Applicants this old or older are vulnerable'),
  vulnerableAgeUnder: z.number().int().min(1).max(30).describe('…and those younger than this'),
  skipLevelDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .describe('A petition at the district with no street/community case in this many days skipped a level (越级)'),
});
export type RiskRules = z.infer<typeof riskRulesSchema>;

export const DEFAULT_RISK_RULES: RiskRules = {
  massPeopleThreshold: 5,
  massCaseCount: 5,
  massWindowDays: 7,
  repeatVisitCount: 3,
  repeatVisitDays: 180,
  threatWords: ['扬言', '跳楼', '自杀', '轻生', '同归于尽', '报复社会', '炸', '放火', '喝农药', '拼命', '弄死', '不想活'],
  vulnerableAgeFrom: 70,
  vulnerableAgeUnder: 18,
  skipLevelDays: 365,
};
