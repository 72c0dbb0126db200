import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Deps } from './deps.js';
import { lazyChildLogger } from './lib/logger.js';
import { openApiTransform } from './lib/openapi.js';
import { authPlugin } from './plugins/auth.js';
import { csrfPlugin } from './plugins/csrf.js';
import { errorsPlugin } from './plugins/errors.js';
import { inputBoundaryPlugin } from './plugins/input-boundary.js';
import { rateLimitsPlugin } from './plugins/rate-limits.js';
import { securityHeadersPlugin } from './plugins/security-headers.js';
import { staticWebPlugin } from './plugins/static-web.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { calendarRoutes } from './modules/calendar/calendar.routes.js';
import { casesRoutes } from './modules/cases/cases.routes.js';
import { deadlinesRoutes } from './modules/deadlines/deadlines.routes.js';
import { urgesRoutes } from './modules/supervision/urges.routes.js';
import { statsRoutes } from './modules/stats/stats.routes.js';
import { mapRoutes } from './modules/map/map.routes.js';
import { caseCounsellingRoutes, counsellingRoutes, kioskRoutes } from './modules/counselling/counselling.routes.js';
import { threeZeroRoutes } from './modules/stats/three-zero.routes.js';
import { reportsRoutes } from './modules/supervision/reports.routes.js';
import { notificationsRoutes } from './modules/notifications/notifications.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { personsRoutes } from './modules/registry/persons.routes.js';
import { publicRoutes } from './modules/public/public.routes.js';
import { unitsRoutes } from './modules/units/units.routes.js';
import { open311Routes } from './modules/open311/open311.routes.js';
import { cameraRoutes, cameraWebhookRoutes } from './modules/cameras/cameras.routes.js';
import { portalRoutes } from './modules/portal/portal.routes.js';
import { gridRoutes } from './modules/grid/grid.routes.js';
import { relatedPreviewRoutes, riskRulesRoutes } from './modules/related/related.routes.js';
import { packagesRoutes } from './modules/packages/packages.routes.js';
import { mediationRoutes } from './modules/mediation/mediation.routes.js';
import { onlineCaseRoutes, onlinePublicRoutes } from './modules/mediation/online.routes.js';
import { liveRoutes } from './modules/live/live.routes.js';
import { apiClientRoutes, transferRoutes } from './modules/integrations/integrations.routes.js';
import { routingRoutes, similarCasesRoutes } from './modules/learning/routing.routes.js';
import { importsRoutes } from './modules/imports/imports.routes.js';
import { requestPressure } from './lib/request-pressure.js';

export interface BuildAppOptions {
  deps: Deps;
  /** The process logger (pino); `false` for quiet tests. */
  logger: Logger | false;
  /** Folder of the built web UI; omitted in API-only tests. */
  webRoot?: string;
}

/** A hop count as Fastify's `trustProxy` takes it: the nearest `hops` proxies may tell the address. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** Builds the Fastify app: cross-cutting plugins first, then one line per module. */
export async function buildApp({ deps, logger, webRoot }: BuildAppOptions) {
  const app = Fastify({
    loggerInstance: logger || undefined,
    // Every log line of a request carries its id; a caller's X-Request-Id is kept so logs join up across systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    childLoggerFactory: (logger, bindings, opts) => lazyChildLogger(logger as Logger, bindings, opts),
    // Whose X-Forwarded-For to believe (config.ts TRUST_PROXY; default nobody's): request.ip keys every rate limit.
    trustProxy: typeof deps.config.TRUST_PROXY === 'number' ? trustHops(deps.config.TRUST_PROXY) : deps.config.TRUST_PROXY,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.decorate('deps', deps);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // How many API requests are streaming in (not the page's files, not health checks): background work that may wait
  // gives way meanwhile (lib/request-pressure.ts).
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.url.startsWith('/api/') && !request.url.startsWith('/api/health')) requestPressure.note();
    done();
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errorsPlugin);
  await app.register(securityHeadersPlugin);
  await app.register(csrfPlugin);
  await app.register(inputBoundaryPlugin);
  await app.register(fastifyCookie);
  await app.register(rateLimitsPlugin);
  // The signalling of online sessions (modules/mediation/signalling.ts): small JSON messages only.
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(fastifyMultipart, { limits: { fileSize: 30 * 1024 * 1024, files: 1, fields: 5 } });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Fengqiao 枫桥 API', version: '0.1.0', description: '平安建设促进中心（综治中心）一站式矛盾纠纷多元化解平台' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'fq_session' },
          apiKey: { type: 'http', scheme: 'bearer', description: 'API key of a connected system (fq_…), issued by the admin' },
        },
      },
    },
    // zod schemas, and the media types of the answers that are files (DOCX, XLSX, ZIP, attachments, pages).
    transform: openApiTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(authPlugin);

  await app.register(healthRoutes, { prefix: '/api' });
  await app.register(authRoutes, { prefix: '/api/auth' });
  await app.register(unitsRoutes, { prefix: '/api' });
  await app.register(personsRoutes, { prefix: '/api' });
  await app.register(relatedPreviewRoutes, { prefix: '/api/cases' });
  await app.register(casesRoutes, { prefix: '/api/cases' });
  await app.register(mediationRoutes, { prefix: '/api/cases' });
  await app.register(similarCasesRoutes, { prefix: '/api/cases' });
  await app.register(onlineCaseRoutes, { prefix: '/api/cases' });
  await app.register(publicRoutes, { prefix: '/api/public' });
  await app.register(portalRoutes, { prefix: '/api/public' });
  await app.register(onlinePublicRoutes, { prefix: '/api/public/online' });
  await app.register(calendarRoutes, { prefix: '/api/calendar' });
  await app.register(deadlinesRoutes, { prefix: '/api/time-limits' });
  await app.register(urgesRoutes, { prefix: '/api/urges' });
  await app.register(notificationsRoutes, { prefix: '/api/notifications' });
  await app.register(reportsRoutes, { prefix: '/api/reports' });
  await app.register(statsRoutes, { prefix: '/api/stats' });
  await app.register(mapRoutes, { prefix: '/api/map' });
  await app.register(counsellingRoutes, { prefix: '/api/counselling' });
  await app.register(caseCounsellingRoutes, { prefix: '/api/cases' });
  await app.register(kioskRoutes, { prefix: '/api/public/kiosk' });
  await app.register(threeZeroRoutes, { prefix: '/api/three-zero' });
  await app.register(apiClientRoutes, { prefix: '/api/admin/api-clients' });
  await app.register(transferRoutes, { prefix: '/api/transfer' });
  await app.register(liveRoutes, { prefix: '/api/live' });
  await app.register(open311Routes, { prefix: '/open311/v2' });
  await app.register(cameraRoutes, { prefix: '/api/cameras' });
  await app.register(gridRoutes, { prefix: '/api/grid' });
  await app.register(riskRulesRoutes, { prefix: '/api/risk-rules' });
  await app.register(packagesRoutes, { prefix: '/api/packages' });
  await app.register(cameraWebhookRoutes, { prefix: '/api/integrations/cameras' });
  await app.register(routingRoutes, { prefix: '/api/routing' });
  await app.register(importsRoutes, { prefix: '/api/imports' });
  await app.register(staticWebPlugin, { root: webRoot ?? '' });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
