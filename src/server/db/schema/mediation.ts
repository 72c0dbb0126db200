/** 人民调解 and petition replies (modules/mediation/), with online sessions, signatures and recordings. */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea, district, createdAt } from './columns.js';
import { cases } from './cases.js';

/**
 * 人民调解协议书 (人民调解法 Art.28–30): one per case. Parties are referenced (their particulars are read, decrypted,
 * when the document is made); the rest is the agreement's own text. Written agreements take effect when every party,
 * the mediator and the committee have signed, fingerprinted or sealed; oral ones when the mediator records them.
 */
/** A term of an agreement, and how its performance (履行) stands once the agreement is in effect. */
export interface AgreementTermRow {
  text: string;
  method: string;
  dueDate: string | null;
  performance?: 'pending' | 'performed' | 'partly' | 'not_performed';
  performanceNote?: string | null;
  performanceRecordedAt?: string | null;
}

export const mediationAgreements = pgTable(
  'mediation_agreements',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    form: text('form').$type<'written' | 'oral'>().notNull(),
    status: text('status').$type<'draft' | 'final' | 'effective'>().notNull().default('draft'),
    subjectMatter: text('subject_matter').notNull(),
    partyIds: uuid('party_ids').array().notNull(),
    facts: text('facts').notNull().default(''),
    disputedMatters: text('disputed_matters').notNull().default(''),
    responsibilities: text('responsibilities').notNull().default(''),
    terms: jsonb('terms').$type<AgreementTermRow[]>().notNull(),
    mediatorId: uuid('mediator_id').notNull(),
    committeeName: text('committee_name').notNull(),
    signatures: jsonb('signatures')
      .$type<{ signer: string; kind: string; at: string; recordedBy: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    finalizedAt: timestamp('finalized_at', { withTimezone: true }),
    effectiveOn: date('effective_on', { mode: 'string' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    uniqueIndex('mediation_agreements_case_key').on(t.districtCode, t.caseId),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/** 司法确认 (人民调解法 Art.33; 民事诉讼法 Art.205): the application to the court and its decision. */
export const judicialConfirmations = pgTable(
  'judicial_confirmations',
  {
    districtCode: district(),
    agreementId: uuid('agreement_id').notNull(),
    court: text('court').notNull(),
    appliedOn: date('applied_on', { mode: 'string' }).notNull(),
    decision: text('decision').$type<'confirmed' | 'rejected'>(),
    decidedOn: date('decided_on', { mode: 'string' }),
    note: text('note'),
    recordedBy: uuid('recorded_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.districtCode, t.agreementId] })],
);

/** 调解会: a mediation session — scheduled, then held with attendance, each side's statements and the record (笔录). */
export const mediationSessions = pgTable(
  'mediation_sessions',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }).notNull(),
    room: text('room').notNull(),
    mediatorNames: text('mediator_names').notNull(),
    invitedPartyIds: uuid('invited_party_ids').array().notNull(),
    /** 公开或不公开调解 (人民调解法 Art.23): the parties' choice. */
    isPublic: boolean('is_public').notNull().default(false),
    status: text('status').$type<'scheduled' | 'held' | 'cancelled'>().notNull().default('scheduled'),
    attendedPartyIds: uuid('attended_party_ids').array(),
    /** How the parties' rights were explained and what they chose (选择或者接受调解员, public or private). */
    rightsNote: text('rights_note'),
    statements: jsonb('statements').$type<{ partyId: string; text: string }[]>(),
    record: text('record'),
    outcome: text('outcome').$type<'continue' | 'agreement_reached' | 'refused'>(),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAt(),
    heldAt: timestamp('held_at', { withTimezone: true }),
    /** 线上调解 (docs/ONLINE-MEDIATION.md): when the mediator opened the video room, and when it ended. */
    onlineStartedAt: timestamp('online_started_at', { withTimezone: true }),
    onlineEndedAt: timestamp('online_ended_at', { withTimezone: true }),
    /** Who refused recording (then nothing is recorded), as the session record says it. */
    recordingNote: text('recording_note'),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('mediation_sessions_case_idx').on(t.districtCode, t.caseId),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/**
 * 信访处理意见书 (信访工作条例 Art.32) and the review 复查 (Art.35) and re-review 复核 (Art.36) opinions: one per stage per
 * case. After 复核 the same matter on the same facts is not accepted again.
 */
export const petitionReplies = pgTable(
  'petition_replies',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    caseId: uuid('case_id').notNull(),
    stage: text('stage').$type<'reply' | 'review' | 're_review'>().notNull(),
    request: text('request').notNull(),
    factsAndReasons: text('facts_and_reasons').notNull(),
    decision: text('decision').$type<'support' | 'explain' | 'not_support'>().notNull(),
    legalBasis: text('legal_basis').notNull(),
    issuingBody: text('issuing_body').notNull(),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    issuedBy: uuid('issued_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    uniqueIndex('petition_replies_stage_key').on(t.districtCode, t.caseId, t.stage),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/**
 * A one-time link sent to a party's phone (docs/ONLINE-MEDIATION.md): to sign the final agreement (`sign`), to join an
 * online session (`join`) or to receive a document (`deliver`). Only its SHA-256 is kept; the phone is the one on the
 * case when the link was made, where the SMS code goes. A verified code gives a short ticket (its SHA-256 here).
 */
export const onlineLinks = pgTable(
  'online_links',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    purpose: text('purpose').$type<'sign' | 'join' | 'deliver'>().notNull(),
    caseId: uuid('case_id').notNull(),
    /** The party the link names; null only for a join link to an invitee (exactly one of the two is set). */
    partyId: uuid('party_id'),
    /** join: the interpreter or lawyer/agent invited to the session (`online_invitees`) the link names. */
    inviteeId: uuid('invitee_id'),
    /** The agreement (sign), the session (join), or the document's row (deliver: the agreement, the reply, the case). */
    subjectId: uuid('subject_id').notNull(),
    /** deliver: `agreement`, `petition_reply` or `receipt`. */
    documentKind: text('document_kind'),
    phoneEnc: bytea('phone_enc').notNull(),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ticketHash: text('ticket_hash'),
    ticketExpiresAt: timestamp('ticket_expires_at', { withTimezone: true }),
    /** 送达: when the party first opened the document. */
    firstOpenedAt: timestamp('first_opened_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    uniqueIndex('online_links_token_key').on(t.districtCode, t.tokenHash),
    index('online_links_token_idx').on(t.tokenHash),
    index('online_links_subject_idx').on(t.districtCode, t.subjectId),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
    check('online_links_one_recipient', sql`num_nonnulls(${t.partyId}, ${t.inviteeId}) = 1`),
  ],
);

/**
 * Someone the mediator invites to an online session besides the parties (人民调解法 第二十条: the mediator may invite
 * people with special knowledge to take part): an interpreter (翻译) or a lawyer/agent (律师/代理人). Their mobile number
 * is personal data, kept like the parties' (AES-256-GCM, a keyed hash to find a repeat); the join link goes to it.
 */
export const onlineInvitees = pgTable(
  'online_invitees',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    caseId: uuid('case_id').notNull(),
    role: text('role').$type<'interpreter' | 'agent'>().notNull(),
    name: text('name').notNull(),
    phoneEnc: bytea('phone_enc').notNull(),
    phoneHash: text('phone_hash').notNull(),
    invitedBy: uuid('invited_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    uniqueIndex('online_invitees_session_phone_key').on(t.districtCode, t.sessionId, t.phoneHash),
    foreignKey({ columns: [t.districtCode, t.sessionId], foreignColumns: [mediationSessions.districtCode, mediationSessions.id] }),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/**
 * A party's signature drawn on the phone (电子签名法 Art.13: the signer's own, under their control, any change after
 * signing detectable): the image, the SHA-256 of the exact text signed, when, the phone the SMS code went to, the
 * address and browser. A text changed afterwards voids it (`voidedAt`), never deletes it.
 */
export const agreementSignatures = pgTable(
  'agreement_signatures',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    agreementId: uuid('agreement_id').notNull(),
    caseId: uuid('case_id').notNull(),
    partyId: uuid('party_id').notNull(),
    linkId: uuid('link_id').notNull(),
    imagePng: bytea('image_png').notNull(),
    textSha256: text('text_sha256').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true }).notNull().defaultNow(),
    phoneEnc: bytea('phone_enc').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidReason: text('void_reason'),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('agreement_signatures_agreement_idx').on(t.districtCode, t.agreementId),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/**
 * Who is in an online session's room (at most four: the mediator, the parties, an interpreter or a lawyer): the
 * short-lived token their browser signals with (its SHA-256), the rights notice accepted, the recording consent, and
 * every join and leave as they happen — the session record's attendance, written by the platform itself.
 */
export const onlineParticipants = pgTable(
  'online_participants',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    caseId: uuid('case_id').notNull(),
    /** An invitee's kind is their role: `interpreter` (翻译) or `agent` (律师/代理人). */
    kind: text('kind').$type<'mediator' | 'party' | 'interpreter' | 'agent'>().notNull(),
    partyId: uuid('party_id'),
    userId: uuid('user_id'),
    inviteeId: uuid('invitee_id'),
    displayName: text('display_name').notNull(),
    tokenHash: text('token_hash').notNull(),
    tokenExpiresAt: timestamp('token_expires_at', { withTimezone: true }).notNull(),
    state: text('state').$type<'waiting' | 'admitted' | 'removed'>().notNull(),
    rightsAcceptedAt: timestamp('rights_accepted_at', { withTimezone: true }),
    recordingConsent: boolean('recording_consent').notNull(),
    joinedAt: timestamp('joined_at', { withTimezone: true }),
    leftAt: timestamp('left_at', { withTimezone: true }),
    presence: jsonb('presence')
      .$type<{ at: string; event: 'joined' | 'left' | 'admitted' | 'removed' }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    uniqueIndex('online_participants_token_key').on(t.districtCode, t.tokenHash),
    index('online_participants_token_idx').on(t.tokenHash),
    index('online_participants_session_idx').on(t.districtCode, t.sessionId),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);

/**
 * A recording of an online session (docs/ONLINE-MEDIATION.md): the bytes are a file under DATA_DIR named by their
 * SHA-256 once complete (`recordings/ab/cd/<sha256>.webm`), never a table row; here what it is, whose, how far the
 * chunked upload has come (`nextSeq`) and the digest.
 */
export const sessionRecordings = pgTable(
  'session_recordings',
  {
    districtCode: district(),
    id: uuid('id').notNull().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    caseId: uuid('case_id').notNull(),
    startedBy: uuid('started_by').notNull(),
    mimeType: text('mime_type').notNull(),
    status: text('status').$type<'recording' | 'complete'>().notNull().default('recording'),
    nextSeq: integer('next_seq').notNull().default(0),
    size: bigint('size', { mode: 'number' }).notNull().default(0),
    sha256: text('sha256'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.districtCode, t.id] }),
    index('session_recordings_case_idx').on(t.districtCode, t.caseId),
    index('session_recordings_session_idx').on(t.districtCode, t.sessionId),
    foreignKey({ columns: [t.districtCode, t.caseId], foreignColumns: [cases.districtCode, cases.id] }),
  ],
);
