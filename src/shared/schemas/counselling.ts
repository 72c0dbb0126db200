import { z } from 'zod';
import { scaleDefinitionSchema } from '../scales.js';
import { APPOINTMENT_STATUSES, COUNSELLING_SOURCES, COUNSELLING_STATUSES, CRISIS_RISK_LEVELS } from '../enums.js';
import { line, paragraph, phoneSchema, token } from './text.js';

/** The answer to a request that created something. */
export const counsellingCreatedSchema = z.object({ id: z.string() });

/** From a case: the party referred (by the mediator or petitions officer) and why. */
export const requestFromCaseSchema = z.object({
  personId: z.string().uuid().describe('A party of the case'),
  reason: paragraph(500, { min: 2, minMessage: '请简要说明转介原因' }),
});
export type RequestFromCaseBody = z.infer<typeof requestFromCaseSchema>;

/** A walk-in (or someone the grid worker brings): name and phone, and why. */
export const walkInSchema = z.object({
  name: line(50, { minMessage: '请填写姓名' }),
  phone: phoneSchema.optional(),
  reason: paragraph(500, { min: 2, minMessage: '请简要说明来访原因' }),
});
export type WalkInBody = z.infer<typeof walkInSchema>;

export const serviceSummarySchema = z.object({
  id: z.string(),
  status: z.enum(COUNSELLING_STATUSES),
  source: z.enum(COUNSELLING_SOURCES),
  personName: z.string(),
  caseId: z.string().nullable(),
  caseCode: z.string().nullable(),
  counsellor: z.object({ id: z.string(), name: z.string() }).nullable(),
  openAlerts: z.number(),
  nextAppointment: z.string().nullable(),
  createdAt: z.string(),
});
export type ServiceSummary = z.infer<typeof serviceSummarySchema>;
export const listServicesQuerySchema = z.object({ status: z.enum(COUNSELLING_STATUSES).optional() });
export const serviceListSchema = z.object({ items: z.array(serviceSummarySchema) });

export const counsellingRoomSchema = z.object({ id: z.string(), name: z.string() });
export type CounsellingRoom = z.infer<typeof counsellingRoomSchema>;
export const addRoomSchema = z.object({ name: line(40, { minMessage: '请填写咨询室名称' }) });
export type AddRoomBody = z.infer<typeof addRoomSchema>;

export const counsellorSchema = z.object({ id: z.string(), name: z.string(), isSupervisor: z.boolean() });
export type Counsellor = z.infer<typeof counsellorSchema>;

export const appointmentSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  personName: z.string(),
  counsellor: z.object({ id: z.string(), name: z.string() }),
  room: z.object({ id: z.string(), name: z.string() }),
  startsAt: z.string(),
  endsAt: z.string(),
  status: z.enum(APPOINTMENT_STATUSES),
  note: z.string().nullable(),
});
export type Appointment = z.infer<typeof appointmentSchema>;
export const appointmentsQuerySchema = z.object({ from: z.string().datetime({ offset: true }), to: z.string().datetime({ offset: true }) });

export const bookAppointmentSchema = z
  .object({
    serviceId: z.string().uuid(),
    counsellorId: z.string().uuid(),
    roomId: z.string().uuid(),
    startsAt: z.string().datetime({ offset: true }),
    endsAt: z.string().datetime({ offset: true }),
  })
  .refine((v) => new Date(v.endsAt) > new Date(v.startsAt), { message: '结束时间应晚于开始时间', path: ['endsAt'] })
  .refine((v) => new Date(v.endsAt).getTime() - new Date(v.startsAt).getTime() <= 4 * 3600_000, {
    message: '单次预约不超过 4 小时',
    path: ['endsAt'],
  });
export type BookAppointmentBody = z.infer<typeof bookAppointmentSchema>;

export const appointmentStatusBodySchema = z.object({
  status: z.enum(['attended', 'cancelled', 'no_show']),
  note: paragraph(200, { min: 0 }).optional(),
});
export type AppointmentStatusBody = z.infer<typeof appointmentStatusBodySchema>;

/** What other roles (the mediator of the case, leaders, admins) may know: that a service exists, and its status. */
export const caseCounsellingSchema = z.object({
  services: z.array(z.object({ id: z.string(), status: z.enum(COUNSELLING_STATUSES), createdAt: z.string() })),
});
export type CaseCounselling = z.infer<typeof caseCounsellingSchema>;

export const sessionMetaSchema = z.object({
  id: z.string(),
  heldOn: z.string(),
  counsellor: z.object({ id: z.string(), name: z.string() }),
  canRead: z.boolean().describe('Only the author and a counselling supervisor may read the notes'),
});
export const sessionNotesSchema = sessionMetaSchema.extend({ notes: z.string() });
export type SessionNotes = z.infer<typeof sessionNotesSchema>;
export const addSessionSchema = z.object({
  notes: paragraph(20_000, { minMessage: '请填写咨询记录' }),
  heldOn: z.string().date(),
  appointmentId: z.string().uuid().optional(),
});
export type AddSessionBody = z.infer<typeof addSessionSchema>;

export const administrationSchema = z.object({
  id: z.string(),
  scaleCode: z.string(),
  total: z.number(),
  band: z.object({ key: z.string(), label: z.string() }),
  mode: z.enum(['counsellor', 'self']),
  crisis: z.boolean(),
  createdAt: z.string(),
});
/** A scale's answers, one value per item (by the counsellor or on the kiosk). */
const scaleAnswersSchema = z.array(z.number().int()).min(1).max(120);
export const administerSchema = z.object({ scaleCode: line(40), answers: scaleAnswersSchema });
export type AdministerBody = z.infer<typeof administerSchema>;
/** A scored administration, with the crisis alert it raised if any. */
export const administeredSchema = administrationSchema.extend({ alertId: z.string().nullable() });
export type Administered = z.infer<typeof administeredSchema>;
export const scaleCreatedSchema = z.object({ code: z.string() });

/** A one-time self-assessment link, opened on the tablet or sent to the person's phone. */
export const createKioskLinkSchema = z.object({ scaleCode: line(40), bySms: z.boolean().optional() });
export type CreateKioskLinkBody = z.infer<typeof createKioskLinkSchema>;
export const kioskLinkSchema = z.object({ token: z.string(), path: z.string(), expiresAt: z.string(), sentBySms: z.boolean() });
export type KioskLink = z.infer<typeof kioskLinkSchema>;
/** The link is the permission: its token is the only parameter. */
export const kioskTokenParamsSchema = z.object({ token: token(60, { min: 20 }) });
/** What the kiosk shows: the scale's items and options, never who the person is. */
export const kioskScaleSchema = z.object({
  scale: z.object({
    code: z.string(),
    name: z.string(),
    instructions: z.string(),
    items: z.array(z.object({ no: z.number(), text: z.string() })),
    options: z.array(z.object({ value: z.number(), label: z.string() })),
  }),
});
export type KioskScale = z.infer<typeof kioskScaleSchema>;
export const submitKioskSchema = z.object({ answers: scaleAnswersSchema });
export type SubmitKioskBody = z.infer<typeof submitKioskSchema>;
export const kioskReceiptSchema = z.object({ received: z.boolean(), needsHelpNow: z.boolean() });
export type KioskReceipt = z.infer<typeof kioskReceiptSchema>;

export const alertSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  personName: z.string(),
  reason: z.string(),
  raisedAt: z.string(),
  assessedAt: z.string().nullable(),
  riskLevel: z.enum(CRISIS_RISK_LEVELS).nullable(),
});
export type CrisisAlert = z.infer<typeof alertSchema>;
export const alertsQuerySchema = z.object({ open: z.enum(['true', 'false']).optional() });
export const assessAlertSchema = z.object({
  riskLevel: z.enum(CRISIS_RISK_LEVELS),
  assessment: paragraph(5000, { min: 10, minMessage: '请记录评估情况与处置措施（至少 10 个字）' }),
});
export type AssessAlertBody = z.infer<typeof assessAlertSchema>;

export const referralSchema = z.object({
  id: z.string(),
  institution: z.string(),
  referredAt: z.string(),
  followUpOn: z.string(),
  followedUpAt: z.string().nullable(),
});
export const referOutSchema = z.object({
  institution: line(100, { min: 2, minMessage: '请填写接收的医疗机构' }),
  reason: paragraph(1000, { min: 2, minMessage: '请填写转介原因' }),
  followUpOn: z.string().date(),
});
export type ReferOutBody = z.infer<typeof referOutSchema>;
export const referralFollowUpSchema = z.object({ note: paragraph(1000, { min: 2, minMessage: '请填写随访情况' }) });

export const serviceDetailSchema = serviceSummarySchema.extend({
  reason: z.string(),
  appointments: z.array(appointmentSchema),
  sessions: z.array(sessionMetaSchema),
  administrations: z.array(administrationSchema),
  alerts: z.array(alertSchema),
  referrals: z.array(referralSchema),
  /** Whether the self-assessment link can go to the person's phone by text (needs PUBLIC_BASE_URL and a phone). */
  kioskSms: z.enum(['available', 'no_public_address', 'no_phone']),
});
export type ServiceDetail = z.infer<typeof serviceDetailSchema>;

/** Figures for leaders: counts only, never content. */
/** The counts leaders see, in the order the page and its Excel show them. */
export const COUNSELLING_FIGURE_KEYS = [
  'servicesRequested',
  'sessionsHeld',
  'appointmentsAttended',
  'appointmentsMissed',
  'referralsOut',
  'alertsRaised',
  'alertsAnsweredInTime',
  'alertsOpen',
] as const;

export const counsellingFiguresSchema = z.object({
  from: z.string(),
  to: z.string(),
  servicesRequested: z.number(),
  sessionsHeld: z.number(),
  appointmentsAttended: z.number(),
  appointmentsMissed: z.number(),
  referralsOut: z.number(),
  alertsRaised: z.number(),
  alertsAnsweredInTime: z.number(),
  alertsOpen: z.number(),
  answerWithinMinutes: z.number(),
});
export type CounsellingFigures = z.infer<typeof counsellingFiguresSchema>;
/** A period of Shanghai days, both ends included (the figures and their Excel). */
export const figuresQuerySchema = z.object({ from: z.string().date(), to: z.string().date() });

export const dutyQuerySchema = z.object({ from: z.string().date(), to: z.string().date() });
export const dutyDayParamsSchema = z.object({ day: z.string().date() });
export const setDutySchema = z.object({ counsellorIds: z.array(z.string().uuid()).max(20, '一天最多安排 20 人值班') });
export const dutyRosterSchema = z.object({
  canEdit: z.boolean(),
  /** Today in Asia/Shanghai: days before it cannot be changed. */
  today: z.string(),
  days: z.array(z.object({ day: z.string(), counsellors: z.array(z.object({ id: z.string(), name: z.string() })) })),
});
export type DutyRoster = z.infer<typeof dutyRosterSchema>;
export type SetDutyBody = z.infer<typeof setDutySchema>;

/** `GET /api/counselling/rooms`: the counselling rooms. */
export const counsellingRoomListSchema = z.array(counsellingRoomSchema);

/** `GET /api/counselling/counsellors`: the counsellors, supervisors marked. */
export const counsellorListSchema = z.array(counsellorSchema);

/** `GET /api/counselling/appointments`: the appointments in the period asked. */
export const appointmentListSchema = z.array(appointmentSchema);

/** `GET /api/counselling/services/:id/sessions`: the service's sessions (their notes read one by one, logged). */
export const sessionMetaListSchema = z.array(sessionMetaSchema);

/** `GET /api/counselling/scales`: the scales the centre uses. */
export const scaleDefinitionListSchema = z.array(scaleDefinitionSchema);

/** `GET /api/counselling/alerts`: the crisis alerts. */
export const alertListSchema = z.array(alertSchema);
