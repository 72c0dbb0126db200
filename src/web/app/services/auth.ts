import type { Me } from '../../../shared/schemas/auth.js';
import { api } from '../api.js';

/** `GET /api/auth/session` (getSession): who is signed in, `me: null` when nobody is (never a 401). */
export function getSession(): Promise<{ me: Me | null }> {
  return api('/api/auth/session');
}

/** `POST /api/auth/logout` (logout): ends the session and clears its cookie. */
export function logout(): Promise<void> {
  return api('/api/auth/logout', { method: 'POST' });
}
