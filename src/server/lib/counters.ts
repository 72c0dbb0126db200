import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Db } from '../db/client.js';

/** A hit counter in a fixed window: where rate limits keep their counts, shared by every instance of the platform. */
export interface CounterStore {
  /** Counts one hit on `key`; a key whose window has ended starts again at 1 with a new window of `windowMs`. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetAt: Date }>;
  /** The running count of `key`, or null when it has none (never counted, or its window ended). */
  peek(key: string): Promise<{ count: number; resetAt: Date } | null>;
  /** Forgets `key` (a successful sign-in clears its account's failures). */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Counters in PostgreSQL (`rate_limit_counters`): one upsert per hit, atomic under concurrent instances. */
export function postgresCounters(db: Db, prefix = ''): CounterStore {
  return {
    async hit(name, windowMs) {
      const key = prefix + name;
      const { rows } = await db.execute<{ count: number; reset_at: Date | string }>(sql`
        insert into rate_limit_counters (key, count, reset_at)
        values (${key}, 1, now() + ${windowMs} * interval '1 millisecond')
        on conflict (key) do update set
          count = case when rate_limit_counters.reset_at <= now() then 1 else rate_limit_counters.count + 1 end,
          reset_at = case when rate_limit_counters.reset_at <= now() then excluded.reset_at else rate_limit_counters.reset_at end
        returning count, reset_at`);
      // Now and then a hit sweeps away windows that ended long ago, so the table stays the size of the traffic.
      if (Math.random() < 0.01) await db.execute(sql`delete from rate_limit_counters where reset_at < now() - interval '1 hour'`);
      return { count: Number(rows[0]!.count), resetAt: new Date(rows[0]!.reset_at) };
    },
    async peek(name) {
      const { rows } = await db.execute<{ count: number; reset_at: Date | string }>(sql`
        select count, reset_at from rate_limit_counters where key = ${prefix + name} and reset_at > now()`);
      return rows[0] ? { count: Number(rows[0].count), resetAt: new Date(rows[0].reset_at) } : null;
    },
    async reset(name) {
      await db.execute(sql`delete from rate_limit_counters where key = ${prefix + name}`);
    },
    async close() {},
  };
}

// INCR, and on the first hit the window's expiry, in one step: two instances can never both start a window.
const HIT_SCRIPT = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {c, redis.call('PTTL', KEYS[1])}`;

/** Counters in Redis (REDIS_URL), for deployments that run one already; keys expire by themselves. */
export function redisCounters(url: string, prefix = 'fengqiao:rl:'): CounterStore {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  return {
    async hit(key, windowMs) {
      const [count, ttl] = (await redis.eval(HIT_SCRIPT, 1, prefix + key, String(windowMs))) as [number, number];
      return { count, resetAt: new Date(Date.now() + Math.max(ttl, 0)) };
    },
    async peek(key) {
      const [count, ttl] = await Promise.all([redis.get(prefix + key), redis.pttl(prefix + key)]);
      return count === null || ttl <= 0 ? null : { count: Number(count), resetAt: new Date(Date.now() + ttl) };
    },
    async reset(key) {
      await redis.del(prefix + key);
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

// What @fastify/rate-limit hands a store's `child` at run time: the route's merged options with `routeInfo`.
type RateLimitStoreOptions = object & { routeInfo?: { method?: string | string[]; url?: string } };

/**
 * The store @fastify/rate-limit counts in (its `store` option), on a CounterStore: each route's limit under its own
 * key prefix, so the portal's limits hold across instances like the sign-in limits do.
 */
export function rateLimitStore(counters: CounterStore) {
  return class SharedRateLimitStore {
    private readonly scope: string;
    constructor(options: RateLimitStoreOptions = {}) {
      const route = options.routeInfo;
      this.scope = route?.url ? `${[route.method].flat().join(',')} ${route.url}` : 'global';
    }
    // @fastify/rate-limit passes the route's window as a third argument (its typings leave it out).
    incr(key: string, callback: (err: Error | null, result?: { current: number; ttl: number }) => void, timeWindow = 60_000) {
      counters.hit(`route:${this.scope}:${key}`, timeWindow).then(
        ({ count, resetAt }) => callback(null, { current: count, ttl: Math.max(0, resetAt.getTime() - Date.now()) }),
        (err: Error) => callback(err),
      );
    }
    child(options: RateLimitStoreOptions) {
      return new SharedRateLimitStore(options);
    }
  };
}
