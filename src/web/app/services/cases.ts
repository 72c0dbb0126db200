import type { z } from 'zod';
import type { AttachmentKind } from '../../../shared/enums.js';
import type {
  attachmentSchema,
  CaseActionBody,
  CaseDetail,
  CreateCaseInput,
  listCasesResponseSchema,
} from '../../../shared/schemas/cases.js';
import { api } from '../api.js';

// The case requests several pages make (the list, the case page, reception, the wall screen, packages, the grid app):
// one function per route of src/server/modules/cases/cases.routes.ts, named after its operationId.

export type CaseListResult = z.infer<typeof listCasesResponseSchema>;

/**
 * `GET /api/cases` (listCases): one page of cases. `query` is the query string as built by the caller (the fields of
 * `listCasesQuerySchema`), sent as it is.
 */
export function listCases(query: string): Promise<CaseListResult> {
  return api(`/api/cases?${query}`);
}

/** `GET /api/cases/{id}` (getCase): one case as the user may see it, with the actions they may take now. */
export function getCase(id: string): Promise<CaseDetail> {
  return api(`/api/cases/${id}`);
}

/**
 * `POST /api/cases` (createCase): registers a case. The same `idempotencyKey` sent again (a retry, a double press, the
 * grid app's queue) gives back the case made the first time instead of a second one.
 */
export function createCase(body: CreateCaseInput, idempotencyKey: string): Promise<CaseDetail> {
  return api('/api/cases', { method: 'POST', json: body, headers: { 'idempotency-key': idempotencyKey } });
}

/** `POST /api/cases/{id}/actions` (actOnCase): one step of the case's lifecycle (src/shared/case-lifecycle.ts). */
export function actOnCase(id: string, body: CaseActionBody): Promise<CaseDetail> {
  return api(`/api/cases/${id}/actions`, { method: 'POST', json: body });
}

/**
 * `POST /api/cases/{id}/attachments` (uploadAttachment): one file (a `file` field of `form`), linked later to the step
 * that names its id, or at once to the registration with `step: 'registration'`.
 */
export function uploadAttachment(
  caseId: string,
  target: { kind: AttachmentKind; step?: 'registration' },
  form: FormData,
): Promise<z.infer<typeof attachmentSchema>> {
  const query = `kind=${target.kind}${target.step ? `&step=${target.step}` : ''}`;
  return api(`/api/cases/${caseId}/attachments?${query}`, { method: 'POST', body: form });
}
