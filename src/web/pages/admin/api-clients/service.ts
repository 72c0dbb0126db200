import type { z } from 'zod';
import type { ApiClient, apiClientInputSchema, apiClientSecretsSchema } from '../../../../shared/schemas/integrations.js';
import { api } from '../../../app/api.js';

// 接入系统's requests (src/server/modules/integrations/integrations.routes.ts), named after their operationIds.

/** A client with its key and signing secret, shown once (the platform keeps only the key's hash). */
export type ApiClientSecrets = z.infer<typeof apiClientSecretsSchema>;

/** `GET /api/admin/api-clients` (listApiClients): the systems that file and follow cases. */
export function listApiClients(): Promise<ApiClient[]> {
  return api('/api/admin/api-clients');
}

/** `POST /api/admin/api-clients` (createApiClient): a new client and its first key. */
export function createApiClient(body: z.input<typeof apiClientInputSchema>): Promise<ApiClientSecrets> {
  return api('/api/admin/api-clients', { method: 'POST', json: body });
}

/** `POST /api/admin/api-clients/{id}/rotate` (rotateApiKey): a new key and signing secret, shown once. */
export function rotateApiKey(id: string): Promise<ApiClientSecrets> {
  return api(`/api/admin/api-clients/${id}/rotate`, { method: 'POST' });
}

/** `POST /api/admin/api-clients/{id}/revoke` (revokeApiClient): the client may no longer call. */
export function revokeApiClient(id: string): Promise<ApiClient> {
  return api(`/api/admin/api-clients/${id}/revoke`, { method: 'POST' });
}
