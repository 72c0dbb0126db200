import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The headers every answer carries (helmet, its defaults otherwise):
 * - a Content-Security-Policy the built UI runs under: scripts only from the platform itself (Vite's bundles, the
 *   service worker's registerSW.js; no inline script, no `unsafe-eval` — zod's JIT is switched off in the web entry so
 *   it does not even try), ECharts draws on canvas, the service worker and its manifest come from 'self'.
 *   `style-src 'unsafe-inline'` is needed: Ant Design's CSS-in-JS inserts <style> elements at run time, and
 *   index.html has one for printing. Style injection can restyle a page but not run code.
 * - `frame-ancestors 'none'` and X-Frame-Options DENY: no page of the platform is meant to be framed (the print
 *   pages open in their own tab), so no other site can overlay it (clickjacking);
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin` (a case URL never leaves the platform);
 * - no HSTS and no `upgrade-insecure-requests` here: the platform may be served over plain HTTP inside an intranet,
 *   and TLS is the reverse proxy's business, which should send HSTS (docs/SECURITY.md);
 * - `Cache-Control: no-store` on every API answer that did not set its own: case details, revealed ID numbers and
 *   phones, documents and exports must not stay in a browser's or a proxy's cache.
 *
 * helmet's middleware is built once here and run on every request (@fastify/helmet built a new one per request, which
 * parsed the policy again each time: 2.6 % of the server's CPU under a registration burst, docs/PERFORMANCE.md).
 */
export const securityHeadersPlugin = fp(async (app: FastifyInstance) => {
  const setHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        mediaSrc: ["'self'", 'blob:'],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', (request, reply, done) => {
    setHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined));
  });
  app.addHook('onSend', async (request, reply) => {
    const isApi = request.url.startsWith('/api/') || request.url.startsWith('/open311/');
    if (isApi && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
});
