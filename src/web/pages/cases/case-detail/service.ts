import type { z } from 'zod';
import type {
  Agreement,
  AgreementInput,
  judicialConfirmationBodySchema,
  performanceBodySchema,
  petitionReplyBodySchema,
  petitionReplySchema,
  policeReferralBodySchema,
  recordSessionBodySchema,
  scheduleSessionBodySchema,
  sessionSchema,
  signatureBodySchema,
} from '../../../../shared/schemas/agreements.js';
import type { CaseCounselling, counsellingCreatedSchema, RequestFromCaseBody } from '../../../../shared/schemas/counselling.js';
import type { HandlerSuggestions, SimilarCases } from '../../../../shared/schemas/learning.js';
import type { DeliverDocumentBody, Delivery, signLinksResultSchema } from '../../../../shared/schemas/online.js';
import type { LikelyPerson, MergeMade, MergePersonsBody, revealBodySchema, RevealedField } from '../../../../shared/schemas/persons.js';
import { api } from '../../../app/api.js';

// The case page's own requests (its cards and buttons): one function per route, named after its operationId. The case
// itself, its actions and attachments are shared with other pages: src/web/app/services/cases.ts.

export type MediationSession = z.infer<typeof sessionSchema>;
export type PetitionReply = z.infer<typeof petitionReplySchema>;
export type SignatureBody = z.input<typeof signatureBodySchema>;
/** Who was sent a link (to sign, or to a document delivered online), and whether the SMS went out. */
export type SentLinks = z.infer<typeof signLinksResultSchema>;

/** A document delivered online (listDeliveries) and which documents may be. */
export type { Delivery } from '../../../../shared/schemas/online.js';
export type DeliveryKind = DeliverDocumentBody['kind'];

/** A record that may be the same person (likelyPersons). */
export type { LikelyPerson } from '../../../../shared/schemas/persons.js';

// 人民调解协议书 (src/server/modules/mediation/mediation.routes.ts)

/** `GET /api/cases/{id}/agreement?ifExists=true` (getAgreement): the agreement, or `undefined` (a 204) when there is none yet. */
export function getAgreementIfExists(caseId: string): Promise<Agreement | undefined> {
  return api(`/api/cases/${caseId}/agreement?ifExists=true`);
}

/** `PUT /api/cases/{id}/agreement` (saveAgreement): the draft as the mediator wrote it. */
export function saveAgreement(caseId: string, body: AgreementInput): Promise<Agreement> {
  return api(`/api/cases/${caseId}/agreement`, { method: 'PUT', json: body });
}

/** `POST /api/cases/{id}/agreement/finalize` (finalizeAgreement): 定稿, refused naming a missing statutory item. */
export function finalizeAgreement(caseId: string): Promise<Agreement> {
  return api(`/api/cases/${caseId}/agreement/finalize`, { method: 'POST' });
}

/** `POST /api/cases/{id}/agreement/signatures` (signAgreement): a signature, fingerprint or the committee's seal. */
export function signAgreement(caseId: string, body: SignatureBody): Promise<Agreement> {
  return api(`/api/cases/${caseId}/agreement/signatures`, { method: 'POST', json: body });
}

/** `POST /api/cases/{id}/agreement/sign-links` (sendAgreementSignLinks): 手机签署 links by SMS to the parties not signed yet. */
export function sendAgreementSignLinks(caseId: string): Promise<SentLinks> {
  return api(`/api/cases/${caseId}/agreement/sign-links`, { method: 'POST' });
}

/** `POST /api/cases/{id}/agreement/terms/{index}/performance` (recordTermPerformance): 履行情况 of one term. */
export function recordTermPerformance(caseId: string, index: number, body: z.input<typeof performanceBodySchema>): Promise<Agreement> {
  return api(`/api/cases/${caseId}/agreement/terms/${index}/performance`, { method: 'POST', json: body });
}

/** `PUT /api/cases/{id}/agreement/judicial-confirmation` (recordJudicialConfirmation): 司法确认 applied for and decided. */
export function recordJudicialConfirmation(caseId: string, body: z.input<typeof judicialConfirmationBodySchema>): Promise<Agreement> {
  return api(`/api/cases/${caseId}/agreement/judicial-confirmation`, { method: 'PUT', json: body });
}

// 调解会 and 移送公安 (src/server/modules/mediation/mediation.routes.ts)

/** `GET /api/cases/{id}/sessions` (listSessions): the case's mediation sessions. */
export function listSessions(caseId: string): Promise<MediationSession[]> {
  return api(`/api/cases/${caseId}/sessions`);
}

/** `POST /api/cases/{id}/sessions` (scheduleSession): a session, the invited parties told by SMS. */
export function scheduleSession(caseId: string, body: z.input<typeof scheduleSessionBodySchema>): Promise<MediationSession> {
  return api(`/api/cases/${caseId}/sessions`, { method: 'POST', json: body });
}

/** `PUT /api/cases/{id}/sessions/{sessionId}/record` (recordSession): attendance, statements and the 调解笔录. */
export function recordSession(caseId: string, sessionId: string, body: z.input<typeof recordSessionBodySchema>): Promise<MediationSession> {
  return api(`/api/cases/${caseId}/sessions/${sessionId}/record`, { method: 'PUT', json: body });
}

/** `POST /api/cases/{id}/refer-police` (referToPolice): 人民调解法第二十五条, the case handed to the police station. */
export function referToPolice(
  caseId: string,
  body: z.input<typeof policeReferralBodySchema>,
): Promise<{ stationNotified: boolean; officers: number }> {
  return api(`/api/cases/${caseId}/refer-police`, { method: 'POST', json: body });
}

// 信访处理意见书 (src/server/modules/mediation/mediation.routes.ts)

/** `GET /api/cases/{id}/petition-replies` (listPetitionReplies): the reply and its review and re-review, as issued. */
export function listPetitionReplies(caseId: string): Promise<PetitionReply[]> {
  return api(`/api/cases/${caseId}/petition-replies`);
}

/** `POST /api/cases/{id}/petition-replies` (issuePetitionReply): the next opinion, refused naming a missing item. */
export function issuePetitionReply(caseId: string, body: z.input<typeof petitionReplyBodySchema>): Promise<PetitionReply> {
  return api(`/api/cases/${caseId}/petition-replies`, { method: 'POST', json: body });
}

// 线上送达 (src/server/modules/mediation/online.routes.ts)

/** `GET /api/cases/{id}/deliveries` (listDeliveries): what was sent to whom, and when each first opened it. */
export function listDeliveries(caseId: string): Promise<Delivery[]> {
  return api(`/api/cases/${caseId}/deliveries`);
}

/** `POST /api/cases/{id}/deliveries` (deliverDocumentOnline): a document by one-time link to each party's phone. */
export function deliverDocumentOnline(caseId: string, body: DeliverDocumentBody): Promise<SentLinks> {
  return api(`/api/cases/${caseId}/deliveries`, { method: 'POST', json: body });
}

// 心理服务 (src/server/modules/counselling/counselling.routes.ts)

/** `GET /api/cases/{id}/counselling` (caseCounselling): only that a service exists and its status. */
export function getCaseCounselling(caseId: string): Promise<CaseCounselling> {
  return api(`/api/cases/${caseId}/counselling`);
}

/** `POST /api/cases/{id}/counselling` (referToCounselling): a party referred to the counselling zone. */
export function referToCounselling(caseId: string, body: RequestFromCaseBody): Promise<z.infer<typeof counsellingCreatedSchema>> {
  return api(`/api/cases/${caseId}/counselling`, { method: 'POST', json: body });
}

// Parties and the person registry (src/server/modules/registry/persons.routes.ts)

/** `POST /api/cases/{caseId}/parties/{partyId}/reveal` (revealPartyField): one field in full; the reveal is logged first. */
export function revealPartyField(caseId: string, partyId: string, body: z.input<typeof revealBodySchema>): Promise<RevealedField> {
  return api(`/api/cases/${caseId}/parties/${partyId}/reveal`, { method: 'POST', json: body });
}

/** `GET /api/persons/{id}/likely` (likelyPersons): records that may be this person too. */
export function listLikelyPersons(personId: string): Promise<LikelyPerson[]> {
  return api(`/api/persons/${personId}/likely`);
}

/** `POST /api/persons/{id}/merge` (mergePersons): this record is the same person as `intoId` (reversible, logged). */
export function mergePersons(personId: string, body: MergePersonsBody): Promise<MergeMade> {
  return api(`/api/persons/${personId}/merge`, { method: 'POST', json: body });
}

/** `POST /api/persons/{id}/not-same` (markNotSamePerson): never offered as the same person again. */
export function markNotSamePerson(personId: string, body: { otherId: string }): Promise<void> {
  return api(`/api/persons/${personId}/not-same`, { method: 'POST', json: body });
}

// Learnt from the district's cases (src/server/modules/learning/routing.routes.ts)

/** `GET /api/cases/{id}/similar` (getSimilarCases): 类案参考. */
export function getSimilarCases(caseId: string): Promise<SimilarCases> {
  return api(`/api/cases/${caseId}/similar`);
}

/** `GET /api/cases/{id}/handler-suggestions?unitId=` (suggestHandlers): the unit's handlers ranked for this case. */
export function suggestHandlers(caseId: string, unitId: string): Promise<HandlerSuggestions> {
  return api(`/api/cases/${caseId}/handler-suggestions?unitId=${encodeURIComponent(unitId)}`);
}
