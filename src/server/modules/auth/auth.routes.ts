import { hash, verify } from '@node-rs/argon2';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { loginBodySchema, meSchema, authSessionSchema } from '../../../shared/schemas/auth.js';
import { actorOf, newSessionToken, SESSION_COOKIE } from '../../plugins/auth.js';
import { AppError, errorBody } from '../../plugins/errors.js';
import { createSession, deleteSession, findSignInUser, loadMe } from './auth.repository.js';
import { noContentSchema } from '../../../shared/schemas/common.js';

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
      const user = await findSignInUser(db, username);
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
      await createSession({
        db,
        user,
        token,
        expiresAt: new Date(Date.now() + config.SESSION_TTL_HOURS * 3600_000),
        ip: request.ip,
        userAgent: request.headers['user-agent']?.slice(0, 300) ?? null,
      });
      request.log.info({ userId: user.id }, 'signed in');
      reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: config.SESSION_TTL_HOURS * 3600 });
      return loadMe(db, user.id);
    },
  );

  app.post('/logout', { schema: { operationId: 'logout', tags: ['auth'], response: { 204: noContentSchema } } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      await deleteSession(db, token);
      app.forgetSession(token);
    }
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.status(204).send(null);
  });

  app.get('/me', { schema: { operationId: 'getMe', tags: ['auth'], response: { 200: meSchema } } }, async (request) =>
    loadMe(db, actorOf(request).id),
  );

  // The pages' "who is signed in, if anyone?": signed out is an answer here, not an error, so a public page or the
  // sign-in page asking it leaves no failed request in the browser's console.
  app.get('/session', { schema: { operationId: 'getSession', tags: ['auth'], response: { 200: authSessionSchema } } }, async (request) => ({
    me: request.actor ? await loadMe(db, request.actor.id) : null,
  }));
};
