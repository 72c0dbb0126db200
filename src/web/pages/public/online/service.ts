import type { z } from 'zod';
import type {
  DeliveredDocument,
  agreementByLinkSchema,
  inviteToOnlineSessionBodySchema,
  joinOnlineSessionBodySchema,
  linkCodeBodySchema,
  linkCodeResponseSchema,
  linkTicketSchema,
  onlineInviteeSchema,
  onlineInviteesSchema,
  onlineLinkInfoSchema,
  participantTokenSchema,
  signByLinkBodySchema,
  startOnlineSessionBodySchema,
  startOnlineSessionResponseSchema,
} from '../../../../shared/schemas/online.js';
import { api } from '../../../app/api.js';

// Online mediation's requests (src/server/modules/mediation/online.routes.ts; docs/ONLINE-MEDIATION.md), named after
// their operationIds: what a party's one-time link opens, and the mediator's room. The signalling WebSocket
// (room-connection.ts) and the recording upload (recorder.ts) talk to the server themselves.

export type LinkInfo = z.infer<typeof onlineLinkInfoSchema>;
export type AgreementByLink = z.infer<typeof agreementByLinkSchema>;
export type ParticipantToken = z.infer<typeof participantTokenSchema>;
export type OnlineInvitees = z.infer<typeof onlineInviteesSchema>;
export type OnlineInvitee = z.infer<typeof onlineInviteeSchema>;

/** The document a delivery link opens (openDeliveredDocument). */
export type { DeliveredDocument } from '../../../../shared/schemas/online.js';

// A party's one-time link: read it, the SMS code, then what it is for. The ticket the code gives goes in `x-link-ticket`.

/** `GET /api/public/online/links/{token}` (readOnlineLink): what the link is for and whose phone it was sent to. */
export function readOnlineLink(token: string): Promise<LinkInfo> {
  return api(`/api/public/online/links/${token}`);
}

/** `POST /api/public/online/links/{token}/code` (sendOnlineLinkCode): an SMS code to the phone on the case. */
export function sendOnlineLinkCode(token: string): Promise<z.infer<typeof linkCodeResponseSchema>> {
  return api(`/api/public/online/links/${token}/code`, { method: 'POST' });
}

/** `POST /api/public/online/links/{token}/verify` (verifyOnlineLink): the code checked, a ticket for the link's next requests. */
export function verifyOnlineLink(token: string, body: z.input<typeof linkCodeBodySchema>): Promise<z.infer<typeof linkTicketSchema>> {
  return api(`/api/public/online/links/${token}/verify`, { method: 'POST', json: body });
}

/** `GET /api/public/online/links/{token}/agreement` (readAgreementByLink): the agreement's exact text and its SHA-256. */
export function readAgreementByLink(token: string, ticket: string): Promise<AgreementByLink> {
  return api(`/api/public/online/links/${token}/agreement`, { headers: { 'x-link-ticket': ticket } });
}

/** `POST /api/public/online/links/{token}/signature` (signAgreementByLink): the signature, bound to the text the party read. */
export function signAgreementByLink(
  token: string,
  ticket: string,
  body: z.input<typeof signByLinkBodySchema>,
): Promise<{ signedAt: string }> {
  return api(`/api/public/online/links/${token}/signature`, { method: 'POST', headers: { 'x-link-ticket': ticket }, json: body });
}

/** `GET /api/public/online/links/{token}/document` (openDeliveredDocument): the document; the first opening is recorded on the case. */
export function openDeliveredDocument(token: string, ticket: string): Promise<DeliveredDocument> {
  return api(`/api/public/online/links/${token}/document`, { headers: { 'x-link-ticket': ticket } });
}

/** `POST /api/public/online/sessions/{sessionId}/join` (joinOnlineSession): a seat in the session's room, after the rights notice. */
export function joinOnlineSession(sessionId: string, body: z.input<typeof joinOnlineSessionBodySchema>): Promise<ParticipantToken> {
  return api(`/api/public/online/sessions/${sessionId}/join`, { method: 'POST', json: body });
}

// The mediator's room (signed in), under the case

/** `POST /api/cases/{id}/sessions/{sessionId}/online` (startOnlineSession): opens the room; the parties get their links the first time. */
export function startOnlineSession(
  caseId: string,
  sessionId: string,
  body: z.input<typeof startOnlineSessionBodySchema>,
): Promise<z.infer<typeof startOnlineSessionResponseSchema>> {
  return api(`/api/cases/${caseId}/sessions/${sessionId}/online`, { method: 'POST', json: body });
}

/** `POST /api/cases/{id}/sessions/{sessionId}/online/end` (endOnlineSession): ends the room; its links and tokens stop working. */
export function endOnlineSession(caseId: string, sessionId: string): Promise<void> {
  return api(`/api/cases/${caseId}/sessions/${sessionId}/online/end`, { method: 'POST' });
}

/** `GET /api/cases/{id}/sessions/{sessionId}/invitees` (listOnlineInvitees): who is invited and how many places are left. */
export function listOnlineInvitees(caseId: string, sessionId: string): Promise<OnlineInvitees> {
  return api(`/api/cases/${caseId}/sessions/${sessionId}/invitees`);
}

/** `POST /api/cases/{id}/sessions/{sessionId}/invitees` (inviteToOnlineSession): an interpreter or lawyer invited by SMS. */
export function inviteToOnlineSession(
  caseId: string,
  sessionId: string,
  body: z.input<typeof inviteToOnlineSessionBodySchema>,
): Promise<OnlineInvitee> {
  return api(`/api/cases/${caseId}/sessions/${sessionId}/invitees`, { method: 'POST', json: body });
}
