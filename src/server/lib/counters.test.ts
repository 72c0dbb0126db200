import { randomUUID } from 'node:crypto';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext } from '../../../test/support/app.js';
import { postgresCounters, redisCounters, type CounterStore } from './counters.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

/** What every store must do, whichever holds the counts. */
function behavesAsACounter(store: () => CounterStore) {
  it('counts hits in a window, atomically under concurrent hits, and forgets on reset', async () => {
    const key = `test:${randomUUID()}`;
    const counts = await Promise.all(Array.from({ length: 20 }, () => store().hit(key, 60_000)));
    expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await store().peek(key))?.count).toBe(20);
    await store().reset(key);
    expect(await store().peek(key)).toBeNull();
    expect((await store().hit(key, 60_000)).count).toBe(1);
  });

  it('starts again at 1 once the window has ended', async () => {
    const key = `test:${randomUUID()}`;
    // A window of no length has ended as soon as it began.
    expect((await store().hit(key, 0)).count).toBe(1);
    expect(await store().peek(key)).toBeNull();
    expect((await store().hit(key, 60_000)).count).toBe(1);
  });
}

describe('rate-limit counters in PostgreSQL', () => {
  behavesAsACounter(() => postgresCounters(ctx.database.db, 'test:'));
});

const REDIS = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
/** Whether the machine's Redis answers (CI's kind of machine runs one on 6379; a laptop may not). */
async function redisReachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}
const hasRedis = await redisReachable(REDIS);
if (!hasRedis) console.warn(`[counters.test] Redis tests skipped: no Redis reachable at ${REDIS} (set REDIS_TEST_URL)`);

describe.skipIf(!hasRedis)(`rate-limit counters in Redis (${REDIS})`, () => {
  let redis: CounterStore;
  beforeAll(() => {
    redis = redisCounters(REDIS, `fengqiao-test:${randomUUID()}:`);
  });
  afterAll(() => redis.close());
  behavesAsACounter(() => redis);

  it('holds the sign-in limit of an app started with REDIS_URL, and leaves PostgreSQL’s table alone', async () => {
    const app = await startTestApp({ env: { REDIS_URL: REDIS, LOGIN_RATE_LIMIT: '2' } });
    try {
      const remoteAddress = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;
      const codes: number[] = [];
      for (let i = 0; i < 3; i++)
        codes.push(
          (
            await app.app.inject({
              method: 'POST',
              url: '/api/auth/login',
              remoteAddress,
              payload: { username: `nobody-${randomUUID()}`, password: 'x' },
            })
          ).statusCode,
        );
      expect(codes).toEqual([401, 401, 429]);
      const { rows } = await ctx.database.pool.query('select count(*)::int as n from rate_limit_counters where key like $1', [
        `%${remoteAddress}`,
      ]);
      expect(rows[0].n).toBe(0);
    } finally {
      await app.close();
    }
  });
});
