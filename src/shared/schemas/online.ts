import { z } from 'zod';
import { caseSessionParamsSchema, idParamsSchema, queryFlagSchema } from './common.js';
import { line, mobileSchema, token } from './text.js';

/** Online mediation (docs/ONLINE-MEDIATION.md): one-time links to parties' phones, signing, sessions, recordings. */

export const linkTokenParams = z.object({ token: token(64, { min: 20 }).describe('The one-time link’s token') });
export const linkTicketHeader = z.object({
  'x-link-ticket': token(100, { min: 0 }).optional().describe('The ticket the SMS code gave (verifyOnlineLink)'),
});

export const onlineLinkInfoSchema = z.object({
  purpose: z.enum(['sign', 'join', 'deliver']),
  caseCode: z.string(),
  maskedPhone: z.string(),
  expiresAt: z.string(),
  documentKind: z.string().nullable(),
  session: z
    .object({ id: z.string(), scheduledAt: z.string(), isPublic: z.boolean(), status: z.string() })
    .nullable()
    .describe('join: the session the link is for'),
});

export const linkCodeResponseSchema = z.object({
  verificationId: z.string(),
  expiresAt: z.string(),
  resendAfterSeconds: z.number(),
  maskedPhone: z.string(),
  demoCode: z.string().optional().describe('Demo installations without an SMS gateway only'),
});

export const linkCodeBodySchema = z.object({
  verificationId: z.string().uuid(),
  code: line(20).regex(/^\d{6}$/, 'VERIFICATION_CODE_INVALID'),
});

export const linkTicketSchema = z.object({ ticket: z.string(), expiresAt: z.string() });

export const agreementByLinkSchema = z.object({
  code: z.string(),
  title: z.string(),
  partyName: z.string(),
  text: z.string().describe('The exact text signed; its SHA-256 is textSha256'),
  textSha256: z.string(),
});

export const signByLinkBodySchema = z.object({
  signaturePng: token(420_000, { min: 100 }).describe('The drawn signature, PNG as a data URL or base64 (≤ 300 KB)'),
  consent: z.boolean().describe('我已阅读并同意本协议全部内容'),
  textSha256: line(64)
    .regex(/^[0-9a-f]{64}$/)
    .describe('SHA-256 of the text the party read (agreementByLink.textSha256)'),
});

export const signLinksResultSchema = z.array(z.object({ partyId: z.string(), name: z.string(), sent: z.boolean() }));

const iceServerSchema = z.object({ urls: z.array(z.string()), username: z.string(), credential: z.string() });

export const participantTokenSchema = z.object({
  sessionId: z.string(),
  participantId: z.string(),
  participantToken: z.string().describe('For the signalling WebSocket (`?token=`); expires with the session'),
  expiresAt: z.string(),
  iceServers: z.array(iceServerSchema).describe('TURN with time-limited credentials (TURN_URLS, TURN_SECRET); empty on a LAN'),
});

/** Who may be in an online session's room: the mediator, the parties, and an invitee in their role. */
export const ONLINE_PARTICIPANT_KINDS = ['mediator', 'party', 'interpreter', 'agent'] as const;
/** The roles of someone invited besides the parties (人民调解法 第二十条): 翻译, 律师/代理人. */
export const ONLINE_INVITEE_ROLES = ['interpreter', 'agent'] as const;
export type OnlineInviteeRole = (typeof ONLINE_INVITEE_ROLES)[number];

export const inviteToOnlineSessionBodySchema = z.object({
  name: line(50, { min: 1 }).describe('The invitee’s name, as the session record will name them'),
  role: z.enum(ONLINE_INVITEE_ROLES).describe('interpreter 翻译, agent 律师/代理人'),
  phone: mobileSchema.describe('The invitee’s own mobile: the join link and the SMS code go to it'),
});
export const onlineInviteeSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ONLINE_INVITEE_ROLES),
  maskedPhone: z.string(),
  invitedAt: z.string(),
  joined: z.boolean().describe('Has come into the room at least once'),
});
export const onlineInviteesSchema = z.object({
  invitees: z.array(onlineInviteeSchema),
  max: z.number().describe('At most this many people in the room, the mediator included'),
  places: z.number().describe('How many more may be invited (the mediator, invited parties and invitees counted)'),
});

export const startOnlineSessionBodySchema = z.object({
  resendLinks: z.boolean().optional().describe('Text the parties new join links (the old ones stop working)'),
});
/** `POST …/online`: the body may be left out (the room opened without resending links). */
export const startOnlineSessionOptionalBodySchema = startOnlineSessionBodySchema.optional();
export const startOnlineSessionResponseSchema = participantTokenSchema.extend({
  links: z.array(z.object({ partyId: z.string(), name: z.string(), sent: z.boolean() })),
});

export const joinOnlineSessionBodySchema = z.object({
  link: token(64, { min: 20 }).describe('The one-time join link’s token'),
  verificationId: z.string().uuid(),
  code: line(20).regex(/^\d{6}$/, 'VERIFICATION_CODE_INVALID'),
  rightsAccepted: z.boolean().describe('The rights notice was read: free, may refuse, may ask for another mediator, public or private'),
  recordingConsent: z.boolean().describe('Consents to the session being recorded (a refusal means no recording)'),
});

export const onlineRecordSchema = z
  .object({
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    recordingNote: z.string().nullable(),
    participants: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        kind: z.enum(ONLINE_PARTICIPANT_KINDS),
        state: z.enum(['waiting', 'admitted', 'removed']),
        recordingConsent: z.boolean(),
        joinedAt: z.string().nullable(),
        leftAt: z.string().nullable(),
      }),
    ),
    recordings: z.array(
      z.object({
        id: z.string(),
        startedAt: z.string(),
        endedAt: z.string().nullable(),
        size: z.number(),
        sha256: z.string(),
        url: z.string(),
      }),
    ),
  })
  .nullable();

/** The documents delivered by a one-time link (线上送达). */
export const DELIVERABLE_DOCUMENTS = ['agreement', 'petition_reply', 'receipt'] as const;

/** An online session by its id alone (the parties' side): `/api/public/online/sessions/:sessionId/…`. */
export const publicOnlineSessionParamsSchema = z.object({ sessionId: z.string().uuid() });

/** `GET …/signal`: the participant token the WebSocket is opened with. */
export const signalQuerySchema = z.object({ token: token(100, { min: 0 }).optional() });

/** `POST /api/cases/:id/deliveries`: which document, to which parties (all with a phone when omitted). */
export const deliverDocumentBodySchema = z.object({
  kind: z.enum(DELIVERABLE_DOCUMENTS),
  partyIds: z.array(z.string().uuid()).max(50).optional(),
});
export type DeliverDocumentBody = z.input<typeof deliverDocumentBodySchema>;

/** One delivery: to whom, which document, sent when, first opened when. */
export const deliverySchema = z.object({
  partyId: z.string(),
  partyName: z.string(),
  kind: z.enum(DELIVERABLE_DOCUMENTS),
  sentAt: z.string(),
  expiresAt: z.string(),
  firstOpenedAt: z.string().nullable(),
  revoked: z.boolean(),
});
export type Delivery = z.infer<typeof deliverySchema>;

/** `GET /api/cases/:id/deliveries`: the case's deliveries. */
export const deliveryListSchema = z.array(deliverySchema);

/** `POST …/recordings`: the recording's media type. */
export const startRecordingBodySchema = z.object({ mimeType: line(100).default('video/webm') });

/** A recording begun: its id, the chunk length the browser should record, and the largest chunk accepted. */
export const recordingStartedSchema = z.object({ recordingId: z.string(), chunkSeconds: z.number(), maxChunkBytes: z.number() });

/** One chunk of a recording: `…/recordings/:recordingId/chunks/:seq`. */
export const recordingChunkParamsSchema = caseSessionParamsSchema.extend({
  recordingId: z.string().uuid(),
  seq: z.coerce.number().int().min(0).max(1_000_000),
});

/** `PUT …/chunks/:seq`: `final=true` on the last chunk. */
export const recordingChunkQuerySchema = z.object({ final: queryFlagSchema });

/** A recording after a chunk: the next chunk expected, its size so far, and its digest once complete. */
export const recordingProgressSchema = z.object({
  recordingId: z.string(),
  nextSeq: z.number(),
  size: z.number(),
  status: z.enum(['recording', 'complete']),
  sha256: z.string().nullable(),
});

/** One recording of a case: `/api/cases/:id/recordings/:recordingId`. */
export const recordingParamsSchema = idParamsSchema.extend({ recordingId: z.string().uuid() });

/** `GET /api/public/online/links/:token/document`: the delivered document's text, and when it was first opened. */
export const deliveredDocumentSchema = z.object({
  kind: z.enum(DELIVERABLE_DOCUMENTS),
  title: z.string(),
  code: z.string(),
  paragraphs: z.array(z.string()),
  trackingToken: z.string().nullable().describe('receipt: the tracking code whose receipt the page shows'),
  firstOpenedAt: z.string(),
});
export type DeliveredDocument = z.infer<typeof deliveredDocumentSchema>;

/** A signature taken on the phone: when. */
export const signedSchema = z.object({ signedAt: z.string() });
