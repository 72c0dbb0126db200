import type { z } from 'zod';
import type {
  addMemberBodySchema,
  concludePackageBodySchema,
  CreatePackageBody,
  meetingBodySchema,
  PackageDetail,
  PackageSummary,
  removeMemberBodySchema,
} from '../../../shared/schemas/packages.js';
import { api } from '../../app/api.js';

// 一揽子化解's requests, the list and the package page (src/server/modules/packages/packages.routes.ts), named after their
// operationIds. Finding a case by its code is the shared case list (src/web/app/services/cases.ts).

/** `GET /api/packages?status=` (listPackages): the packages of the user's jurisdiction. */
export function listPackages(status: 'open' | 'concluded' | 'all'): Promise<PackageSummary[]> {
  return api(`/api/packages?status=${status}`);
}

/** `POST /api/packages` (createPackage): a package of related cases. */
export function createPackage(body: CreatePackageBody): Promise<PackageDetail> {
  return api('/api/packages', { method: 'POST', json: body });
}

/** `GET /api/packages/{id}` (getPackage): one package with its members, meetings and timeline. */
export function getPackage(id: string): Promise<PackageDetail> {
  return api(`/api/packages/${id}`);
}

/** `POST /api/packages/{id}/members` (addPackageMember): a case added to the package. */
export function addPackageMember(id: string, body: z.input<typeof addMemberBodySchema>): Promise<PackageDetail> {
  return api(`/api/packages/${id}/members`, { method: 'POST', json: body });
}

/** `POST /api/packages/{id}/members/{caseId}/remove` (removePackageMember): a case taken out, with the reason. */
export function removePackageMember(id: string, caseId: string, body: z.input<typeof removeMemberBodySchema>): Promise<PackageDetail> {
  return api(`/api/packages/${id}/members/${caseId}/remove`, { method: 'POST', json: body });
}

/** `POST /api/packages/{id}/meetings` (recordPackageMeeting): a joint meeting and its minutes. */
export function recordPackageMeeting(id: string, body: z.input<typeof meetingBodySchema>): Promise<PackageDetail> {
  return api(`/api/packages/${id}/meetings`, { method: 'POST', json: body });
}

/** `POST /api/packages/{id}/conclude` (concludePackage): the package settled, with each case's outcome. */
export function concludePackage(id: string, body: z.input<typeof concludePackageBodySchema>): Promise<PackageDetail> {
  return api(`/api/packages/${id}/conclude`, { method: 'POST', json: body });
}
