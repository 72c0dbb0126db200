import type { z } from 'zod';
import type { loginBodySchema, Me } from '../../../shared/schemas/auth.js';
import { api } from '../../app/api.js';

/** `POST /api/auth/login` (login, src/server/modules/auth/auth.routes.ts): signs in; the session cookie comes with the answer. */
export function login(body: z.input<typeof loginBodySchema>): Promise<Me> {
  return api('/api/auth/login', { method: 'POST', json: body });
}
