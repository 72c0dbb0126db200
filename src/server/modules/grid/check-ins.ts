import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { patrolCheckins } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';

type CheckinRow = typeof patrolCheckins.$inferSelect;

function presentCheckin(r: CheckinRow) {
  return { id: r.id, at: r.at.toISOString(), lat: r.lat, lng: r.lng, note: r.note, receivedAt: r.receivedAt.toISOString() };
}

/**
 * 巡查打卡: one check-in, keyed by the id the phone made — sent again after a lost answer, it is the same check-in
 * (`isNew` false); an id someone else used is refused.
 */
export async function checkIn(opts: {
  db: Db;
  actor: Actor;
  body: { id: string; at: string; lat?: number; lng?: number; note?: string };
}): Promise<{ isNew: boolean; checkin: ReturnType<typeof presentCheckin> }> {
  const { db, actor, body } = opts;
  const [created] = await db
    .insert(patrolCheckins)
    .values({
      districtCode: actor.districtCode,
      id: body.id,
      userId: actor.id,
      unitId: actor.unitId,
      at: new Date(body.at),
      lat: body.lat ?? null,
      lng: body.lng ?? null,
      note: body.note ?? null,
    })
    .onConflictDoNothing()
    .returning();
  if (created) return { isNew: true, checkin: presentCheckin(created) };
  const [existing] = await db
    .select()
    .from(patrolCheckins)
    .where(and(eq(patrolCheckins.districtCode, actor.districtCode), eq(patrolCheckins.id, body.id), eq(patrolCheckins.userId, actor.id)));
  if (!existing) throw new AppError('VALIDATION_FAILED', { id: 'used by someone else' });
  return { isNew: false, checkin: presentCheckin(existing) };
}

/** The worker's own 50 latest check-ins, newest first. */
export async function listMyCheckins(db: Db, actor: Actor) {
  const rows = await db
    .select()
    .from(patrolCheckins)
    .where(and(eq(patrolCheckins.districtCode, actor.districtCode), eq(patrolCheckins.userId, actor.id)))
    .orderBy(desc(patrolCheckins.at))
    .limit(50);
  return rows.map(presentCheckin);
}
