import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { postgresCounters, rateLimitStore, redisCounters, type CounterStore } from '../lib/counters.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Rate-limit counters shared by every instance (PostgreSQL, or Redis when REDIS_URL is set). */
    counters: CounterStore;
  }
}

/**
 * Rate limits that hold across instances: @fastify/rate-limit counts in the shared store (routes opt in with
 * `config.rateLimit`), keyed by `request.ip` — the socket's peer unless TRUST_PROXY names the proxies allowed to tell
 * the client's address (app.ts). Keys carry the district code, so districts sharing a Redis keep their own counts.
 */
export const rateLimitsPlugin = fp(async (app: FastifyInstance) => {
  const { config, db } = app.deps;
  const prefix = `${config.DISTRICT_CODE}:`;
  const counters = config.REDIS_URL ? redisCounters(config.REDIS_URL, `fengqiao:${prefix}`) : postgresCounters(db, prefix);
  app.decorate('counters', counters);
  app.addHook('onClose', async () => counters.close());
  await app.register(fastifyRateLimit, { global: false, store: rateLimitStore(counters) });
});
