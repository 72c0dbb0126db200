import { and, eq, isNull } from 'drizzle-orm';
import type { Role } from '../../../shared/enums.js';
import { permissionsOf } from '../../../shared/permissions.js';
import type { Me } from '../../../shared/schemas/auth.js';
import type { Db } from '../../db/client.js';
import { sessions, units, users } from '../../db/schema.js';
import { hashToken } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canSuperviseCounselling } from '../counselling/counselling.policy.js';

/** The signed-in user as the pages see them: name, role, unit and what they may do. */
export async function loadMe(db: Db, userId: string): Promise<Me> {
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

/** The user who may sign in with this name: none when unknown or disabled. */
export async function findSignInUser(db: Db, username: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.username, username), isNull(users.disabledAt)))
    .limit(1);
  return user;
}

/** A session for the user, kept by the hash of its token (the token itself is only in the cookie). */
export async function createSession(opts: {
  db: Db;
  user: { id: string; districtCode: string };
  token: string;
  expiresAt: Date;
  ip: string;
  userAgent: string | null;
}): Promise<void> {
  const { db, user } = opts;
  await db.insert(sessions).values({
    districtCode: user.districtCode,
    tokenHash: hashToken(opts.token),
    userId: user.id,
    expiresAt: opts.expiresAt,
    ip: opts.ip,
    userAgent: opts.userAgent,
  });
}

/** Signing out: the session of this token ends. */
export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
}
