import { and, asc, eq } from 'drizzle-orm';
import type { AddRoomBody, CounsellingRoom } from '../../../shared/schemas/counselling.js';
import type { Db } from '../../db/client.js';
import { adminLog, counsellingRooms } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canSuperviseCounselling } from './counselling.policy.js';

/** The district's counselling rooms in use, by name (for booking an appointment). */
export async function listRooms(db: Db, districtCode: string): Promise<CounsellingRoom[]> {
  return db
    .select({ id: counsellingRooms.id, name: counsellingRooms.name })
    .from(counsellingRooms)
    .where(and(eq(counsellingRooms.districtCode, districtCode), eq(counsellingRooms.isActive, true)))
    .orderBy(asc(counsellingRooms.name));
}

/** 添加咨询室: a counselling supervisor or an admin adds a room; a name already used is refused (ROOM_EXISTS), logged. */
export async function addRoom(opts: { db: Db; actor: Actor; body: AddRoomBody }): Promise<CounsellingRoom> {
  const { db, actor, body } = opts;
  if (!canSuperviseCounselling(actor)) throw new AppError('FORBIDDEN');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(counsellingRooms)
      .values({ districtCode: actor.districtCode, name: body.name })
      .onConflictDoNothing()
      .returning({ id: counsellingRooms.id, name: counsellingRooms.name });
    if (!row) throw new AppError('ROOM_EXISTS');
    await tx
      .insert(adminLog)
      .values({ districtCode: actor.districtCode, actorId: actor.id, action: 'counselling.addRoom', entity: row.id, data: body });
    return row;
  });
}
