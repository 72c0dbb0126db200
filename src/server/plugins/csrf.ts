import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from './errors.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isSameOrigin(origin: string, request: FastifyRequest, publicBaseUrl: string | undefined): boolean {
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false; // `Origin: null` (a sandboxed frame, a file: page) and anything unparsable
  }
  if (host === request.host) return true;
  return !!publicBaseUrl && host === new URL(publicBaseUrl).host;
}

/**
 * Cross-site request forgery: a state-changing request from a browser must come from the platform's own pages.
 * The session cookie is SameSite=Strict already; this holds where that does not (an old browser, a sibling site
 * on the same registrable domain, a form that needs no cookie such as sign-in):
 * - a browser that sends `Sec-Fetch-Site` (all current ones) must say `same-origin` (or `none`: typed by the user);
 * - otherwise an `Origin` header, when there is one, must name this host (or PUBLIC_BASE_URL's);
 * - a request with neither is not from a browser page (curl, another system, the tests) and passes.
 * Refused: 403 CSRF_REJECTED. Routes authenticated by a key or a signature, never by the cookie (the transfer API,
 * camera webhooks, Open311 POST), opt out with `config: { csrf: false }`. Together with the input boundary's rule that
 * a body-less POST takes JSON or nothing, a cross-site `text/plain` or form POST cannot change anything.
 */
export const csrfPlugin = fp(async (app: FastifyInstance) => {
  const publicBaseUrl = app.deps.config.PUBLIC_BASE_URL;
  app.addHook('onRequest', async (request) => {
    if (!UNSAFE_METHODS.has(request.method) || request.routeOptions.config.csrf === false || !request.routeOptions.url) return;
    const site = request.headers['sec-fetch-site'];
    if (typeof site === 'string') {
      if (site === 'same-origin' || site === 'none') return;
      throw new AppError('CSRF_REJECTED');
    }
    const origin = request.headers.origin;
    if (origin === undefined || isSameOrigin(origin, request, publicBaseUrl)) return;
    throw new AppError('CSRF_REJECTED');
  });
});
