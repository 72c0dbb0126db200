import { and, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { units, users } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';

/**
 * The platform's own accounts, one per door that is not a person at a desk: the resident portal, the camera feed,
 * each transfer-API client. Cases they file carry them as `registered_by`, so the idempotency key of a submission is
 * scoped to its door. They are disabled from birth (no password, never in staff lists, never sent reminders) and act
 * with the reception role at the district root: they register, nothing else.
 */
export async function systemActor(db: Db | Tx, districtCode: string, key: string, displayName: string): Promise<Actor> {
  const username = `system:${key}`;
  const load = async () => {
    const [row] = await db
      .select({ user: users, unitPath: units.path })
      .from(users)
      .innerJoin(units, and(eq(units.districtCode, users.districtCode), eq(units.id, users.unitId)))
      .where(and(eq(users.districtCode, districtCode), eq(users.username, username)));
    return row;
  };
  let row = await load();
  if (!row) {
    const [root] = await db
      .select({ id: units.id })
      .from(units)
      .where(and(eq(units.districtCode, districtCode), isNull(units.parentId)))
      .limit(1);
    if (!root) throw new Error(`district ${districtCode} has no root unit`);
    await db
      .insert(users)
      .values({
        districtCode,
        username,
        displayName,
        passwordHash: '!',
        role: 'reception',
        unitId: root.id,
        isSystem: true,
        disabledAt: new Date(),
      })
      .onConflictDoNothing();
    row = (await load())!;
  }
  return {
    id: row.user.id,
    username,
    displayName: row.user.displayName,
    role: 'reception',
    unitId: row.user.unitId,
    unitPath: row.unitPath,
    districtCode,
    isUnitHead: false,
  };
}

/** The actor of a system account by its id (an API client's `user_id`). */
export async function systemActorById(db: Db | Tx, districtCode: string, userId: string): Promise<Actor> {
  const [row] = await db
    .select({ user: users, unitPath: units.path })
    .from(users)
    .innerJoin(units, and(eq(units.districtCode, users.districtCode), eq(units.id, users.unitId)))
    .where(and(eq(users.districtCode, districtCode), eq(users.id, userId), eq(users.isSystem, true)));
  if (!row) throw new Error(`no system account ${userId}`);
  return {
    id: row.user.id,
    username: row.user.username,
    displayName: row.user.displayName,
    role: 'reception',
    unitId: row.user.unitId,
    unitPath: row.unitPath,
    districtCode,
    isUnitHead: false,
  };
}
