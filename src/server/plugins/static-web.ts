import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { errorBody } from './errors.js';

/**
 * The built web UI (`dist/web`), served by the API process (nothing comes from the internet). Any other GET
 * outside `/api/` gets the SPA's index so client routes survive a reload; unknown API paths get NOT_FOUND.
 */
export const staticWebPlugin = fp(async (app: FastifyInstance, opts: { root: string }) => {
  const isBuilt = existsSync(join(opts.root, 'index.html'));
  if (isBuilt) {
    await app.register(fastifyStatic, {
      root: opts.root,
      wildcard: false,
      index: false,
      cacheControl: false,
      // Hashed bundles never change; the service worker, its manifest and the page must be re-checked on every load
      // so a new release reaches phones that keep the app offline.
      setHeaders: (res, path) => {
        const isHashed = /[\\/]assets[\\/]/.test(path);
        res.setHeader('cache-control', isHashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  } else app.log.warn({ root: opts.root }, 'web UI not built (run `npm run build:web`); serving the API only');
  app.setNotFoundHandler((request, reply) => {
    const isPage = isBuilt && request.method === 'GET' && !request.url.startsWith('/api/');
    if (!isPage) return reply.status(404).send(errorBody('NOT_FOUND'));
    return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
  });
});
