/**
 * The domain's closed vocabularies. Values are English string enums; their Chinese and English labels live in
 * `locales/`. Each list is the single source for the database checks, the zod schemas and the UI selects.
 */

/** Where a case came in (一站式受理: every door lands in one case record). */
export const CHANNELS = ['walk_in', 'phone', 'letter', 'online', 'grid', 'camera', 'transfer'] as const;
export type Channel = (typeof CHANNELS)[number];

/** 矛盾纠纷 / 信访 / 心理·咨询 / 网格事件 */
export const CASE_KINDS = ['dispute', 'petition', 'help', 'grid_event'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** Dispute categories used in people's-mediation statistics (local practice, docs/LEGAL-BASIS.md §3). */
export const CATEGORIES = [
  'marriage_family',
  'neighbourhood',
  'housing_homestead',
  'contract',
  'business',
  'damages',
  'forest_land',
  'land_acquisition',
  'environment',
  'labour',
  'consumer',
  'medical',
  'traffic',
  'property_management',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const ROLES = ['reception', 'dispatcher', 'mediator', 'unit_handler', 'grid_worker', 'counsellor', 'leader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** 区 → 街道/乡镇 → 社区/村 → 网格, plus functional departments hanging at any level. */
export const UNIT_KINDS = ['district', 'street', 'community', 'grid', 'department'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** 申请人/反映人, 被申请人, 第三人 */
export const PARTY_ROLES = ['applicant', 'respondent', 'third_party'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export const PARTY_TYPES = ['person', 'organization'] as const;
export type PartyType = (typeof PARTY_TYPES)[number];

/** 调解成功 / 调解不成（引导诉讼、仲裁、行政裁决）/ 信访答复 / 其他办结 */
export const OUTCOMES = ['agreement', 'no_agreement', 'petition_reply', 'resolved_other'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** 满意 / 基本满意 / 不满意 */
export const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

/** Kinds of files a handler may attach, with their limits in `limits.ts`. */
export const ATTACHMENT_KINDS = ['photo', 'document', 'audio'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** What a video-analytics device reports (视频智能分析告警); anything else arrives as `other` with its own name kept. */
export const CAMERA_ALERT_TYPES = ['crowd_gathering', 'fight', 'banner', 'intrusion', 'fire_smoke', 'road_occupation', 'other'] as const;
export type CameraAlertType = (typeof CAMERA_ALERT_TYPES)[number];

/** "三零" creation: villages/communities and organisations (schools, hospitals, enterprises, markets, stations…), docs/LEGAL-BASIS.md §6. */
export const ASSESSED_UNIT_TYPES = ['village', 'community', 'school', 'hospital', 'enterprise', 'market', 'station', 'other'] as const;
export type AssessedUnitType = (typeof ASSESSED_UNIT_TYPES)[number];

/** 心理服务 (docs/LEGAL-BASIS.md §7): where a request came from, and where the service stands. */
export const COUNSELLING_SOURCES = ['case_referral', 'walk_in', 'portal'] as const;
export type CounsellingSource = (typeof COUNSELLING_SOURCES)[number];
export const COUNSELLING_STATUSES = ['requested', 'active', 'referred_out', 'closed'] as const;
export type CounsellingStatus = (typeof COUNSELLING_STATUSES)[number];
export const APPOINTMENT_STATUSES = ['booked', 'attended', 'cancelled', 'no_show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
/** A counsellor's risk assessment after a crisis alert. */
export const CRISIS_RISK_LEVELS = ['low', 'medium', 'high', 'imminent'] as const;
export type CrisisRiskLevel = (typeof CRISIS_RISK_LEVELS)[number];
