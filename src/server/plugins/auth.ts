import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
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
    })
    .from(sessions)
    .innerJoin(users, and(eq(users.districtCode, sessions.districtCode), eq(users.id, sessions.userId)))
    .innerJoin(units, and(eq(units.districtCode, users.districtCode), eq(units.id, users.unitId)))
    .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), gt(sessions.expiresAt, sql`now()`), sql`${users.disabledAt} is null`))
    .limit(1)
    .prepare('fq_session_actor');
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const [row] = await sessionActor.execute({ tokenHash: hashToken(token) });
    if (row) {
      request.actor = { ...row, role: row.role as Role };
      request.log = request.log.child({ userId: row.id });
    }
  });
  app.decorate('requireActor', async (request: FastifyRequest) => {
    actorOf(request);
  });
  app.decorate('requirePermission', (permission: Permission) => async (request: FastifyRequest) => {
    if (!hasPermission(actorOf(request).role, permission)) throw new AppError('FORBIDDEN');
  });
});
