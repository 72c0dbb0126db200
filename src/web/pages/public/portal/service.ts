import type { z } from 'zod';
import type {
  PortalCounsellingRequestBody,
  Received,
  confirmVerificationResponseSchema,
  portalReportResponseSchema,
  PortalReportBody,
  publicPlaceSchema,
  startVerificationResponseSchema,
} from '../../../../shared/schemas/portal.js';
import type { attachmentSchema } from '../../../../shared/schemas/cases.js';
import { api } from '../../../app/api.js';

// 群众自助申请's requests (src/server/modules/portal/portal.routes.ts), named after their operationIds. The phone's
// ticket goes in `x-portal-ticket`; the receipt is shared with reception and online delivery (app/services/public.ts).

/** The verified phone's ticket (kept in the tab until it expires). */
export type PhoneVerification = z.infer<typeof confirmVerificationResponseSchema>;
export type PublicPlace = z.infer<typeof publicPlaceSchema>;
export type FiledReport = z.infer<typeof portalReportResponseSchema>;

/** `POST /api/public/verifications` (startPhoneVerification): an SMS code to the phone. */
export function startPhoneVerification(phone: string): Promise<z.infer<typeof startVerificationResponseSchema>> {
  return api('/api/public/verifications', { method: 'POST', json: { phone } });
}

/** `POST /api/public/verifications/{id}/confirm` (confirmPhoneVerification): the code checked, a ticket for the report. */
export function confirmPhoneVerification(verificationId: string, code: string): Promise<PhoneVerification> {
  return api(`/api/public/verifications/${verificationId}/confirm`, { method: 'POST', json: { code } });
}

/** `GET /api/public/places` (listPublicPlaces): the streets and communities a resident may name. */
export function listPublicPlaces(): Promise<PublicPlace[]> {
  return api('/api/public/places');
}

/** `POST /api/public/reports` (filePortalReport): the report; the same `idempotencyKey` again makes no second case. */
export function filePortalReport(body: PortalReportBody, ticket: string, idempotencyKey: string): Promise<FiledReport> {
  return api('/api/public/reports', {
    method: 'POST',
    json: body,
    headers: { 'x-portal-ticket': ticket, 'idempotency-key': idempotencyKey },
  });
}

/** `POST /api/public/reports/{trackingToken}/photos` (addPortalPhoto): one photo (a `file` field of `form`). */
export function addPortalPhoto(trackingToken: string, ticket: string, form: FormData): Promise<z.infer<typeof attachmentSchema>> {
  return api(`/api/public/reports/${trackingToken}/photos`, { method: 'POST', body: form, headers: { 'x-portal-ticket': ticket } });
}

/** `POST /api/public/counselling-requests` (requestCounsellingOnPortal): a counsellor calls back; counsellors alone read it. */
export function requestCounsellingOnPortal(body: PortalCounsellingRequestBody, ticket: string): Promise<Received> {
  return api('/api/public/counselling-requests', { method: 'POST', json: body, headers: { 'x-portal-ticket': ticket } });
}
