import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Role } from '../../shared/enums.js';
import { hasPermission, type Permission } from '../../shared/permissions.js';
import type { Db } from '../db/client.js';
import { sessions, units, users } from '../db/schema.js';
import { AppError } from './errors.js';

/** The signed-in staff member, as every use case receives it. */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string;
  /** `/<id>/…/` of the actor's unit: their jurisdiction is everything whose path starts with it. */
  unitPath: string;
  districtCode: string;
  /** 负责人 of their unit: may approve extensions. */
  isUnitHead: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyInstance {
    requireActor: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    requirePermission: (permission: Permission) => (request: FastifyRequest) => Promise<void>;
    /** Forgets a signed-out session at once in this process (the others within `SESSION_RECHECK_MS`). */
    forgetSession: (token: string) => void;
  }
}

export const SESSION_COOKIE = 'fq_session';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The actor behind `request` (set by the auth hook); throws AUTH_REQUIRED when nobody is signed in. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('AUTH_REQUIRED');
  return request.actor;
}

/**
 * A user as an actor, for work done later on their behalf (the risk assessment of the case they registered sees what
 * they see). Disabled users and system accounts keep their jurisdiction: the work is theirs, whenever it runs.
 */
export async function loadActor(db: Db, districtCode: string, userId: string): Promise<Actor> {
  const [row] = await db
    .select({ user: users, unitPath: units.path })
    .from(users)
    .innerJoin(units, and(eq(units.districtCode, users.districtCode), eq(units.id, users.unitId)))
    .where(and(eq(users.districtCode, districtCode), eq(users.id, userId)));
  if (!row) throw new Error(`no user ${userId}`);
  return {
    id: row.user.id,
    username: row.user.username,
    displayName: row.user.displayName,
    role: row.user.role as Role,
    unitId: row.user.unitId,
    unitPath: row.unitPath,
    districtCode,
    isUnitHead: row.user.isUnitHead,
  };
}

/**
 * How long a session read from the database is trusted without reading it again. A clerk's page sends many requests a
 * second (a registration burst, a list and its counts); reading the session for each was one of the two round trips a
 * registration makes (docs/PERFORMANCE.md, issue 13). A session signed out here is forgotten at once; one signed out
 * on another API instance, a user disabled or moved to another unit in the database, is refused within this time
 * (docs/SECURITY.md). The session's own expiry is checked on every request.
 */
export const SESSION_RECHECK_MS = 2_000;

/** Reads the session cookie on every request and attaches the actor; routes opt in to requiring one. */
export const authPlugin = fp(async (app: FastifyInstance) => {
  const { db } = app.deps;
  app.decorateRequest('actor', null);
  // Every signed-in request reads its session: one prepared statement, planned once per connection.
  const sessionActor = db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      unitId: users.unitId,
      unitPath: units.path,
      districtCode: users.districtCode,
      isUnitHead: users.isUnitHead,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(users, and(eq(users.districtCode, sessions.districtCode), eq(users.id, sessions.userId)))
    .innerJoin(units, and(eq(units.districtCode, users.districtCode), eq(units.id, users.unitId)))
    .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), gt(sessions.expiresAt, sql`now()`), sql`${users.disabledAt} is null`))
    .limit(1)
    .prepare('fq_session_actor');
  // Sessions read in the last SESSION_RECHECK_MS, by token hash (a session unknown to the database is not kept).
  const recent = new LRUCache<string, { actor: Actor; expiresAt: number }>({ max: 20_000, ttl: SESSION_RECHECK_MS });
  // Sessions signed out here lately: a read of one that began before its sign-out and answers after it must not put
  // it back (the request that read it is served; the next one reads the database again and finds nothing).
  const signedOut = new LRUCache<string, true>({ max: 20_000, ttl: SESSION_RECHECK_MS });
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const tokenHash = hashToken(token);
    let known = recent.get(tokenHash);
    if (known && known.expiresAt <= Date.now()) {
      recent.delete(tokenHash);
      known = undefined;
    }
    if (!known) {
      const [row] = await sessionActor.execute({ tokenHash });
      if (!row) return;
      const { expiresAt, ...actor } = row;
      known = { actor: Object.freeze({ ...actor, role: actor.role as Role }), expiresAt: expiresAt.getTime() };
      if (!signedOut.has(tokenHash)) recent.set(tokenHash, known);
    }
    request.actor = known.actor;
    request.log = request.log.child({ userId: known.actor.id });
  });
  app.decorate('forgetSession', (token: string) => {
    const tokenHash = hashToken(token);
    signedOut.set(tokenHash, true);
    recent.delete(tokenHash);
  });
  app.decorate('requireActor', async (request: FastifyRequest) => {
    actorOf(request);
  });
  app.decorate('requirePermission', (permission: Permission) => async (request: FastifyRequest) => {
    if (!hasPermission(actorOf(request).role, permission)) throw new AppError('FORBIDDEN');
  });
});
