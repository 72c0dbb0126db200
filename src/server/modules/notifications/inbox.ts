import { and, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { notifications } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';

/** One page of the actor's in-app notifications (reminders, escalations), newest first (ties by id:
 * one sweep writes many in the same instant, and offset pages must neither repeat nor skip one), with the unread and total counts. */
export async function listNotifications(opts: { db: Db; actor: Actor; page: number; pageSize: number }) {
  const { db, actor, page, pageSize } = opts;
  const mine = and(eq(notifications.districtCode, actor.districtCode), eq(notifications.userId, actor.id));
  const [rows, [{ total } = { total: 0 }], [{ unread } = { unread: 0 }]] = await Promise.all([
    db
      .select()
      .from(notifications)
      .where(mine)
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ total: count() }).from(notifications).where(mine),
    db
      .select({ unread: count() })
      .from(notifications)
      .where(and(mine, isNull(notifications.readAt))),
  ]);
  return {
    items: rows.map((n) => ({
      id: n.id,
      caseId: n.caseId,
      title: n.title,
      body: n.body,
      createdAt: n.createdAt.toISOString(),
      isRead: !!n.readAt,
    })),
    unread,
    total,
  };
}

/** Marks these of the actor's unread notifications read (all of them when `ids` is omitted); how many changed. */
export async function markNotificationsRead(opts: { db: Db; actor: Actor; ids?: string[] }): Promise<number> {
  const { db, actor, ids } = opts;
  const where = [eq(notifications.districtCode, actor.districtCode), eq(notifications.userId, actor.id), isNull(notifications.readAt)];
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(ids ? and(...where, inArrayOrNone(ids)) : and(...where))
    .returning({ id: notifications.id });
  return rows.length;
}

/** An empty id list matches nothing (never "all"). */
function inArrayOrNone(ids: string[]) {
  return ids.length ? inArray(notifications.id, ids) : eq(notifications.id, '00000000-0000-0000-0000-000000000000');
}
