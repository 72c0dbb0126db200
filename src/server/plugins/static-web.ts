import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { extname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { htmlForPath, WEB_ENTRIES } from '../../shared/web-entries.js';
import { errorBody } from './errors.js';

/**
 * The built web UI, served by the API process (nothing comes from the internet).
 *
 * One build for the life of the process: `root` (`dist/web`) is a link the build switches to each new build's own
 * directory, so it is resolved once here and the pages (read into memory now) and their hashed assets always come
 * from the same build, even while a new one is written beside it. Hashed assets are immutable and sent
 * precompressed (brotli or gzip, as the browser accepts) with `Content-Encoding`. Each page path gets its entry's
 * HTML (the resident's light pages, the grid app, else the staff app, which shows its own 404 page); a missing file
 * — an asset of another build, say — is a plain 404, never a page, so the script that asked for it fails and the
 * page reloads itself.
 */
export const staticWebPlugin = fp(async (app: FastifyInstance, opts: { root: string }) => {
  const root = existsSync(join(opts.root, 'index.html')) ? realpathSync(opts.root) : undefined;
  if (!root) {
    app.log.warn({ root: opts.root }, 'web UI not built (run `npm run build:web`); serving the API only');
    app.setNotFoundHandler((_request, reply) => reply.status(404).send(errorBody('NOT_FOUND')));
    return;
  }
  app.log.info({ build: root }, 'serving the web UI');
  const pages = new Map(
    ['index', ...WEB_ENTRIES.map((e) => e.name)].map((name) => [`${name}.html`, readFileSync(join(root, `${name}.html`))]),
  );

  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    preCompressed: true,
    cacheControl: false,
    // Hashed bundles never change; the service worker, its manifest and the pages must be re-checked on every load
    // so a new release reaches phones that keep the app offline.
    setHeaders: (res, path) => {
      const isHashed = /[\\/]assets[\\/]/.test(path);
      res.setHeader('cache-control', isHashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      // The same address answers brotli, gzip or plain: caches must keep them apart.
      res.setHeader('vary', 'accept-encoding');
    },
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const isPage = (request.method === 'GET' || request.method === 'HEAD') && !/^\/(api|open311|assets)\//.test(path) && !extname(path);
    if (!isPage) return reply.status(404).send(errorBody('NOT_FOUND'));
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(pages.get(htmlForPath(path)));
  });
});
