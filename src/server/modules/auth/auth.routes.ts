import { hash, verify } from '@node-rs/argon2';
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Role } from '../../../shared/enums.js';
import { permissionsOf } from '../../../shared/permissions.js';
import { canSuperviseCounselling } from '../counselling/counselling.policy.js';
import { loginBodySchema, meSchema } from '../../../shared/schemas/auth.js';
import { sessions, units, users } from '../../db/schema.js';
import { actorOf, hashToken, newSessionToken, SESSION_COOKIE } from '../../plugins/auth.js';
import { AppError, errorBody } from '../../plugins/errors.js';

// Verified against when the user name is unknown, so both failures take the same time.
let dummyHash: Promise<string> | undefined;

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: config.COOKIE_SECURE ? config.COOKIE_SECURE === 'true' : config.NODE_ENV === 'production',
  };

  async function loadMe(userId: string) {
    const [row] = await db
      .select({ user: users, unit: units })
      .from(users)
      .innerJoin(units, and(eq(units.districtCode, users.districtCode), eq(units.id, users.unitId)))
      .where(eq(users.id, userId));
    if (!row) throw new AppError('AUTH_REQUIRED');
    const role = row.user.role as Role;
    return {
      id: row.user.id,
      username: row.user.username,
      displayName: row.user.displayName,
      role,
      unit: { id: row.unit.id, code: row.unit.code, name: row.unit.name, kind: row.unit.kind },
      districtCode: row.user.districtCode,
      // The role's permissions, and the one that also depends on heading a unit (a counselling supervisor).
      permissions: [
        ...permissionsOf(role),
        ...(role !== 'admin' && canSuperviseCounselling({ role, isUnitHead: row.user.isUnitHead })
          ? (['counselling.supervise'] as const)
          : []),
      ],
    };
  }

  // Sign-in is limited twice (issue 14): per address by @fastify/rate-limit (LOGIN_RATE_LIMIT a minute, counted in the
  // shared store, request.ip as TRUST_PROXY decides), and per account here: after LOGIN_ACCOUNT_LIMIT failures within
  // an hour each further attempt waits, twice as long each time, up to 15 minutes — even with the right password, so
  // guessing from many addresses gains nothing. Unknown names are counted like real ones (no way to probe for them).
  const accountWindowMs = 3600_000;
  const lockFor = (failures: number) => Math.min(15 * 60_000, 30_000 * 2 ** (failures - config.LOGIN_ACCOUNT_LIMIT));
  app.post(
    '/login',
    {
      schema: { operationId: 'login', tags: ['auth'], body: loginBodySchema, response: { 200: meSchema } },
      config: {
        rateLimit: {
          max: config.LOGIN_RATE_LIMIT,
          timeWindow: '1 minute',
          errorResponseBuilder: () => ({ statusCode: 429, ...errorBody('AUTH_RATE_LIMITED') }),
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const lock = await app.counters.peek(`login-lock:${username}`);
      if (lock) {
        reply.header('retry-after', Math.max(1, Math.ceil((lock.resetAt.getTime() - Date.now()) / 1000)));
        request.log.info('sign-in refused: account waiting after failed attempts');
        throw new AppError('AUTH_RATE_LIMITED');
      }
      const [user] = await db
        .select()
        .from(users)
        .where(and(eq(users.username, username), isNull(users.disabledAt)))
        .limit(1);
      dummyHash ??= hash('fengqiao-dummy-password');
      const isValid = await verify(user?.passwordHash ?? (await dummyHash), password).catch(() => false);
      if (!user || !isValid) {
        const failures = await app.counters.hit(`login-failures:${username}`, accountWindowMs);
        if (failures.count >= config.LOGIN_ACCOUNT_LIMIT) await app.counters.hit(`login-lock:${username}`, lockFor(failures.count));
        // Never the typed name: people type their phone, or their password, into it.
        request.log.info({ userId: user?.id ?? null, failures: failures.count }, 'sign-in refused');
        throw new AppError('AUTH_INVALID_CREDENTIALS');
      }
      await app.counters.reset(`login-failures:${username}`);
      const token = newSessionToken();
      await db.insert(sessions).values({
        districtCode: user.districtCode,
        tokenHash: hashToken(token),
        userId: user.id,
        expiresAt: new Date(Date.now() + config.SESSION_TTL_HOURS * 3600_000),
        ip: request.ip,
        userAgent: request.headers['user-agent']?.slice(0, 300) ?? null,
      });
      request.log.info({ userId: user.id }, 'signed in');
      reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: config.SESSION_TTL_HOURS * 3600 });
      return loadMe(user.id);
    },
  );

  app.post('/logout', { schema: { operationId: 'logout', tags: ['auth'], response: { 204: z.null() } } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.status(204).send(null);
  });

  app.get('/me', { schema: { operationId: 'getMe', tags: ['auth'], response: { 200: meSchema } } }, async (request) =>
    loadMe(actorOf(request).id),
  );

  // The pages' "who is signed in, if anyone?": signed out is an answer here, not an error, so a public page or the
  // sign-in page asking it leaves no failed request in the browser's console.
  app.get(
    '/session',
    { schema: { operationId: 'getSession', tags: ['auth'], response: { 200: z.object({ me: meSchema.nullable() }) } } },
    async (request) => ({ me: request.actor ? await loadMe(request.actor.id) : null }),
  );
};
