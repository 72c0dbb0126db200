import { ERRORS, type ErrorBody, type ErrorCode } from '../../shared/errors.js';

/** An error answer of the API, with its stable code and the message to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let onUnauthorized: (() => void) | undefined;
/** Called on any 401 so the app can go back to the sign-in page. */
export function setUnauthorizedHandler(fn: () => void) {
  onUnauthorized = fn;
}

/**
 * The one client for the API: JSON in and out, the session cookie sent, and every error turned into an
 * ApiError carrying the catalogue's message in the current language.
 */
export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, headers, ...rest } = init;
  let res: Response;
  try {
    res = await fetch(path, {
      credentials: 'same-origin',
      ...rest,
      headers: { ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: json !== undefined ? JSON.stringify(json) : rest.body,
    });
  } catch {
    throw new ApiError(0, 'INTERNAL_ERROR', navigator.language.startsWith('en') ? 'Network error' : '网络连接失败，请检查网络后重试');
  }
  if (res.status === 204) return undefined as T;
  const body = res.headers.get('content-type')?.includes('application/json') ? await res.json() : undefined;
  if (!res.ok) {
    const err = body as ErrorBody | undefined;
    const code = (err?.code && err.code in ERRORS ? err.code : 'INTERNAL_ERROR') as ErrorCode;
    const isEnglish = localStorage.getItem('fq.lang') === 'en-US';
    // A lapsed session sends the user to sign in (asking "who am I?" is /api/auth/session, which never answers 401).
    if (res.status === 401 && code === 'AUTH_REQUIRED') onUnauthorized?.();
    throw new ApiError(res.status, code, isEnglish ? ERRORS[code].en : (err?.message ?? ERRORS[code].zh), err?.details);
  }
  return body as T;
}

/** A key for one submission, kept across retries of that submission so a double submit creates one case. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
