import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fileResponse } from '../../lib/openapi.js';
import { MEDIA_TYPES } from '../../lib/media-types.js';
import { actorOf } from '../../plugins/auth.js';
import { canSeeCase } from '../case-access/cases.policy.js';
import type { LiveEvent } from '../../lib/live-hub.js';

const KEEPALIVE_MS = 20_000;

/**
 * `GET /api/live/events`: server-sent events of arriving cases, case changes and camera alerts, each only to those
 * whose jurisdiction covers it. The browser's EventSource reconnects by itself; the board refetches on reconnect.
 */
export const liveRoutes: FastifyPluginAsyncZod = async (app) => {
  const { live } = app.deps;
  const open = new Set<ServerResponse>();
  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

  app.get(
    '/events',
    {
      onRequest: [app.requirePermission('live.view')],
      schema: {
        operationId: 'streamLiveEvents',
        tags: ['live'],
        summary: 'Server-sent events (text/event-stream)',
        response: {
          200: fileResponse({ description: 'A stream of `event:`/`data:` lines that stays open', mediaTypes: [MEDIA_TYPES.eventStream] }),
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const visible = (e: LiveEvent) =>
        e.districtCode === actor.districtCode &&
        canSeeCase(actor, {
          status: 'registered',
          unitPath: e.unitPath,
          leadUnitPath: e.leadUnitPath ?? null,
          coUnitIds: e.coUnitIds ?? [],
        });
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': `${MEDIA_TYPES.eventStream}; charset=utf-8`,
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      res.write('retry: 3000\n\n');
      open.add(res);
      let counter = 0;
      const unsubscribe = await live.subscribe((e) => {
        if (!visible(e)) return;
        res.write(`id: ${++counter}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      });
      // Says so once the subscription is in place, so a client knows it will hear whatever commits from now on.
      res.write('event: ready\ndata: {}\n\n');
      const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
      request.raw.on('close', () => {
        clearInterval(keepalive);
        unsubscribe();
        open.delete(res);
      });
    },
  );
};
