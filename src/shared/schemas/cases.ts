import { z } from 'zod';
import { idParamsSchema, queryFlagSchema } from './common.js';
import { FIGURES } from './stats.js';
import { PETITION_STAGES } from './agreements.js';
import { CASE_ACTIONS, CASE_STATUSES } from '../case-lifecycle.js';
import {
  ATTACHMENT_KINDS,
  CASE_KINDS,
  CATEGORIES,
  CHANNELS,
  OUTCOMES,
  type Channel,
  PARTY_ROLES,
  PARTY_TYPES,
  RISK_LEVELS,
  SATISFACTIONS,
} from '../enums.js';
import { MAX_ATTACHMENTS_PER_NOTE, NARRATIVE_MAX, PAGE_SIZE_MAX } from '../limits.js';
import { CLOCK_STAGES, DAY_UNITS, DIFFICULTIES } from '../time-limits.js';
import { creditCodeSchema, idNumberSchema, line, paragraph, phoneSchema } from './text.js';

export { idNumberSchema, phoneSchema };

/** 回访方式 */
export const FOLLOW_UP_METHODS = ['phone', 'visit', 'portal'] as const;

export const partyInputSchema = z.object({
  role: z.enum(PARTY_ROLES),
  type: z.enum(PARTY_TYPES),
  // Names may hold characters beyond the BMP (e.g. 𠈌): the text type counts code points, never UTF-16 units.
  name: line(100),
  idNumber: idNumberSchema.optional(),
  phone: phoneSchema.optional(),
  address: line(200).optional(),
  creditCode: creditCodeSchema.optional(),
  samePersonConfirmed: z
    .boolean()
    .optional()
    .describe(
      'The clerk checked that the ID number on file under another name is this party: the typed name is kept on the case and added to the person as another name',
    ),
});
export type PartyInput = z.infer<typeof partyInputSchema>;

/** The fields of a registration; `createCaseBodySchema` adds the rules that span fields. */
export const createCaseFieldsSchema = z.object({
  channel: z.enum(CHANNELS),
  kind: z.enum(CASE_KINDS),
  category: z.enum(CATEGORIES),
  summary: line(200).describe('One-line subject 事由'),
  narrative: paragraph(NARRATIVE_MAX).describe('The resident’s account, recorded faithfully (信访工作条例 Art.21)'),
  peopleInvolved: z.number().int().min(1).max(100_000),
  riskLevel: z.enum(RISK_LEVELS).default('low'),
  difficulty: z.enum(DIFFICULTIES).default('ordinary').describe('简易/一般/复杂: picks the centre’s time limit'),
  parties: z.array(partyInputSchema).max(50).describe('At least one, except for grid workers’ and cameras’ own reports'),
  place: z
    .object({
      address: line(200),
      unitCode: line(40).optional(),
      lat: z.number().min(-90).max(90).optional().describe('WGS84 latitude'),
      lng: z.number().min(-180).max(180).optional().describe('WGS84 longitude'),
    })
    .refine((p) => (p.lat === undefined) === (p.lng === undefined), { message: 'lat and lng go together', path: ['lat'] })
    .optional(),
});
/** A grid worker's patrol finding or a camera's alert may name nobody yet; every other door has someone who came. */
export const PARTYLESS_CHANNELS: readonly Channel[] = ['grid', 'camera'];
export function requirePartiesUnlessPartyless(body: { channel: Channel; parties: unknown[] }, ctx: z.RefinementCtx) {
  if (body.parties.length === 0 && !PARTYLESS_CHANNELS.includes(body.channel)) {
    ctx.addIssue({ code: 'custom', path: ['parties'], message: 'at least one party' });
  }
}
export const createCaseBodySchema = createCaseFieldsSchema.superRefine(requirePartiesUnlessPartyless);
export type CreateCaseBody = z.infer<typeof createCaseBodySchema>;
/** The body as a client sends it (defaults not yet applied). */
export type CreateCaseInput = z.input<typeof createCaseBodySchema>;

export const unitRefSchema = z.object({ id: z.string(), code: z.string(), name: z.string() });

export const partySchema = z.object({
  id: z.string(),
  personId: z.string(),
  role: z.enum(PARTY_ROLES),
  type: z.enum(PARTY_TYPES),
  name: z.string(),
  idNumber: z.string().nullable().describe('Masked unless revealed'),
  phone: z.string().nullable().describe('Masked unless revealed'),
  address: z.string().nullable().describe('Masked unless revealed'),
});
export type Party = z.infer<typeof partySchema>;

export const attachmentSchema = z.object({
  id: z.string(),
  kind: z.enum(ATTACHMENT_KINDS),
  fileName: z.string(),
  mimeType: z.string(),
  size: z.number(),
  createdAt: z.string(),
});

export const timelineEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  action: z.string(),
  actorName: z.string().nullable(),
  fromStatus: z.enum(CASE_STATUSES).nullable(),
  toStatus: z.enum(CASE_STATUSES).nullable(),
  reason: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  attachments: z.array(attachmentSchema),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const clockSchema = z.object({
  id: z.string(),
  stage: z.enum(CLOCK_STAGES),
  days: z.number(),
  unit: z.enum(DAY_UNITS),
  legalBasis: z.string(),
  startedOn: z.string(),
  dueDate: z.string().describe('The last day (Asia/Shanghai) of the period'),
  provisional: z.boolean().describe('Computed across a year whose holidays are not loaded yet'),
  isPaused: z.boolean(),
  pausedDays: z.number(),
  extendedDays: z.number(),
  isRunning: z.boolean(),
  level: z.enum(['normal', 'warning', 'overdue']),
  workingDaysLeft: z.number().nullable().describe('Negative: working days overdue'),
});
export type Clock = z.infer<typeof clockSchema>;

export const urgeSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  note: z.string(),
  replyBy: z.string(),
  urgedAt: z.string(),
  urgedBy: z.string().nullable().describe('Name; null when the platform urged by itself'),
  isAutomatic: z.boolean(),
  answer: z.string().nullable(),
  answeredAt: z.string().nullable(),
  isLate: z.boolean().describe('Unanswered past its reply-by date, or answered after it'),
});
export type Urge = z.infer<typeof urgeSchema>;

export const caseSummarySchema = z.object({
  id: z.string(),
  code: z.string(),
  status: z.enum(CASE_STATUSES),
  channel: z.enum(CHANNELS),
  kind: z.enum(CASE_KINDS),
  category: z.enum(CATEGORIES),
  summary: z.string(),
  riskLevel: z.enum(RISK_LEVELS),
  difficulty: z.enum(DIFFICULTIES),
  peopleInvolved: z.number(),
  deadline: clockSchema.nullable().describe('The most urgent running clock'),
  unit: unitRefSchema.nullable().describe('Where the matter arose (territorial unit)'),
  leadUnit: unitRefSchema.nullable(),
  handler: z.object({ id: z.string(), name: z.string() }).nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CaseSummary = z.infer<typeof caseSummarySchema>;

/** A list item found by words: the passage that matched, split into plain and matching pieces. */
export const searchSnippetSchema = z.array(z.object({ text: z.string(), hit: z.boolean() }));
export const caseListItemSchema = caseSummarySchema.extend({ snippet: searchSnippetSchema.optional() });
export type CaseListItem = z.infer<typeof caseListItemSchema>;

export const caseDetailSchema = caseSummarySchema.extend({
  trackingToken: z.string(),
  narrative: z.string(),
  placeAddress: z.string().nullable(),
  placePosition: z.object({ lat: z.number(), lng: z.number() }).nullable().describe('WGS84, when the channel knew it'),
  externalRef: z.string().nullable().describe('The sending system’s own reference (transfers, Open311)'),
  package: z
    .object({ id: z.string(), name: z.string(), proposedOutcome: z.enum(OUTCOMES).nullable(), proposedNote: z.string().nullable() })
    .nullable()
    .describe('The 一揽子化解 package the case is in, with the outcome it proposes once concluded'),
  coUnits: z.array(unitRefSchema),
  outcome: z.enum(OUTCOMES).nullable(),
  satisfaction: z.enum(SATISFACTIONS).nullable(),
  rejectReason: z.string().nullable(),
  parties: z.array(partySchema),
  timeline: z.array(timelineEntrySchema),
  clocks: z.array(clockSchema),
  extensions: z.array(
    z.object({
      id: z.string(),
      days: z.number(),
      reason: z.string(),
      status: z.enum(['pending', 'approved', 'refused']),
      requestedAt: z.string(),
      decidedAt: z.string().nullable(),
      decisionNote: z.string().nullable(),
      residentNotice: z.string().nullable(),
    }),
  ),
  urges: z.array(urgeSchema),
  allowedActions: z.array(z.enum(CASE_ACTIONS)),
  abilities: z
    .object({
      mediate: z.boolean().describe('Schedule and record mediation sessions, refer to the police'),
      agreement: z.boolean().describe('Draft, finalise and sign the mediation agreement'),
      petitionReplyStages: z.array(z.enum(PETITION_STAGES)).describe('信访处理意见书 stages this user may issue'),
    })
    .describe('What this user may do on the case besides its lifecycle steps (the server’s policy; the page shows only these)'),
});
export type CaseDetail = z.infer<typeof caseDetailSchema>;

export const createCaseResponseSchema = caseDetailSchema;

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.enum(values), z.array(z.enum(values))])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional();

export const listCasesQuerySchema = z.object({
  status: csv(CASE_STATUSES),
  kind: csv(CASE_KINDS),
  channel: csv(CHANNELS),
  category: csv(CATEGORIES),
  unitId: z.string().uuid().optional().describe('Cases whose place or lead unit lies under this unit'),
  handlerId: z.string().uuid().optional(),
  deadline: z.enum(['overdue']).optional().describe('Only cases with a running clock past its due date'),
  failure: z.enum(['not_accepted', 'not_handled', 'unlawful']).optional().describe('应受理未受理 / 应办理未办理 / 不依法办理'),
  holderUnitId: z.string().uuid().optional().describe('Cases held by this unit: the lead unit, or the place unit before dispatch'),
  mine: z.enum(['true', 'false']).optional().describe('Only cases whose handler is the signed-in user or dispatched to their unit'),
  q: line(100, { min: 0 })
    .optional()
    .describe(
      'A case code or part of one; words (full text); or, for roles that may search parties, a mobile or ID number of a party on file',
    ),
  figure: z
    .enum(FIGURES)
    .optional()
    .describe(
      'The cases behind a cockpit figure (docs/INDICATORS.md): from/to then apply to that figure’s own date, not the registration date',
    ),
  placeUnitId: z.string().uuid().optional().describe('Cases whose place lies under this unit (the statistics’ jurisdiction)'),
  from: z.string().date().optional().describe('Registered on or after (Asia/Shanghai date)'),
  to: z.string().date().optional().describe('Registered on or before (Asia/Shanghai date)'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX).default(20),
  after: z
    .string()
    .uuid()
    .optional()
    .describe(
      'Keyset paging: the cases after this one in the list’s order (`nextCursor` of the page before). `page` then only labels the page; new cases arriving meanwhile shift nothing',
    ),
});
export type ListCasesQuery = z.infer<typeof listCasesQuerySchema>;

export const listCasesResponseSchema = z.object({
  items: z.array(caseListItemSchema),
  total: z.number(),
  isTotalEstimate: z
    .boolean()
    .describe('true: `total` is the database’s estimate (more than 1,000 cases match; counting them all is not cheap), shown as “约”'),
  page: z.number(),
  pageSize: z.number(),
  nextCursor: z.string().nullable().describe('Pass as `after` for the next page (keyset); null on the last page'),
});

/** `POST /api/cases/{id}/actions`: one body for every action; each action checks the fields it needs. */
export const caseActionBodySchema = z.object({
  action: z.enum(CASE_ACTIONS),
  expectedVersion: z.number().int().min(1),
  reason: paragraph(2000, { min: 0 }).optional().describe('Why (required for reject, return, reopen, escalate)'),
  note: paragraph(NARRATIVE_MAX, { min: 0 }).optional(),
  leadUnitId: z.string().uuid().optional(),
  coUnitIds: z.array(z.string().uuid()).max(20).optional(),
  handlerId: z.string().uuid().optional(),
  outcome: z.enum(OUTCOMES).optional(),
  satisfaction: z.enum(SATISFACTIONS).optional(),
  followUpMethod: z.enum(FOLLOW_UP_METHODS).optional().describe('follow_up: by phone, a visit, or the resident on the portal'),
  attachmentIds: z.array(z.string().uuid()).max(MAX_ATTACHMENTS_PER_NOTE).optional().describe('Uploaded attachments to link to this step'),
  extensionDays: z.number().int().min(1).max(3650).optional().describe('request_extension: days asked'),
  approve: z.boolean().optional().describe('decide_extension: true approves, false refuses'),
  residentNotice: paragraph(1000, { min: 0 }).optional().describe('decide_extension: how the resident was told the reason'),
  replyBy: z.string().date().optional().describe('urge: the date by which the handler must answer'),
});
export type CaseActionBody = z.infer<typeof caseActionBodySchema>;

export const publicProgressSchema = z.object({
  code: z.string(),
  status: z.enum(CASE_STATUSES),
  kind: z.enum(CASE_KINDS),
  category: z.enum(CATEGORIES),
  handlingUnit: z.string().nullable(),
  registeredAt: z.string(),
  steps: z.array(z.object({ at: z.string(), action: z.string(), toStatus: z.enum(CASE_STATUSES).nullable() })),
  canRate: z.boolean().describe('Concluded and not yet followed up: the resident may rate it'),
  satisfaction: z.enum(SATISFACTIONS).nullable(),
});
export type PublicProgress = z.infer<typeof publicProgressSchema>;

/** `GET /api/cases/export.xlsx`: the list's filters, and whether the parties' columns are included (a permission of its own). */
export const exportCasesQuerySchema = listCasesQuerySchema.extend({ withParties: queryFlagSchema });

/** `POST /api/cases/:id/attachments`: what the file is, and whether it belongs to the registration. */
export const uploadAttachmentQuerySchema = z.object({
  kind: z.enum(ATTACHMENT_KINDS),
  step: z.enum(['registration']).optional().describe('Link to the registration (the registering user only)'),
});

/** One attachment of a case: `/api/cases/:id/attachments/:attachmentId`. */
export const attachmentParamsSchema = idParamsSchema.extend({ attachmentId: z.string().uuid() });
