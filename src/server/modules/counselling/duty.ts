import { and, asc, between, eq, inArray, isNull } from 'drizzle-orm';
import { addDays, shanghaiDate } from '../../../shared/calendar.js';
import type { Counsellor, DutyRoster } from '../../../shared/schemas/counselling.js';
import type { Db, Tx } from '../../db/client.js';
import { adminLog, counsellingDuty, users } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canSuperviseCounselling } from './counselling.policy.js';

/** Who may set the roster: a counselling supervisor or an admin. */
export const canSetDuty = canSuperviseCounselling;

/** The roster of [from, to] (Shanghai days, at most 62), every day listed, with nobody when no one is on duty. */
export async function readDuty(opts: { db: Db; actor: Actor; from: string; to: string }): Promise<DutyRoster> {
  const { db, actor, from, to } = opts;
  if (from > to || to > addDays(from, 61)) throw new AppError('PERIOD_INVALID', { from, to });
  const rows = await db
    .select({ day: counsellingDuty.day, id: users.id, name: users.displayName })
    .from(counsellingDuty)
    .innerJoin(users, and(eq(users.districtCode, counsellingDuty.districtCode), eq(users.id, counsellingDuty.counsellorId)))
    .where(and(eq(counsellingDuty.districtCode, actor.districtCode), between(counsellingDuty.day, from, to)))
    .orderBy(asc(counsellingDuty.day), asc(users.displayName));
  const days: DutyRoster['days'] = [];
  for (let day = from; day <= to; day = addDays(day, 1))
    days.push({ day, counsellors: rows.filter((r) => r.day === day).map(({ id, name }) => ({ id, name })) });
  return { canEdit: canSetDuty(actor), today: shanghaiDate(new Date()), days };
}

/** Puts exactly these counsellors on duty on a day (today or later; the past stays as it was), logged. */
export async function setDuty(opts: { db: Db; actor: Actor; day: string; counsellorIds: string[] }): Promise<void> {
  const { db, actor, day, counsellorIds } = opts;
  if (!canSetDuty(actor)) throw new AppError('FORBIDDEN');
  if (day < shanghaiDate(new Date())) throw new AppError('DUTY_DAY_PAST', { day });
  const ids = [...new Set(counsellorIds)];
  await db.transaction(async (tx) => {
    if (ids.length) {
      const found = await tx
        .select({ id: users.id })
        .from(users)
        .where(
          and(eq(users.districtCode, actor.districtCode), inArray(users.id, ids), eq(users.role, 'counsellor'), isNull(users.disabledAt)),
        );
      if (found.length !== ids.length) throw new AppError('COUNSELLOR_NOT_FOUND');
    }
    await tx.delete(counsellingDuty).where(and(eq(counsellingDuty.districtCode, actor.districtCode), eq(counsellingDuty.day, day)));
    if (ids.length)
      await tx
        .insert(counsellingDuty)
        .values(ids.map((counsellorId) => ({ districtCode: actor.districtCode, day, counsellorId, assignedBy: actor.id })));
    await tx.insert(adminLog).values({
      districtCode: actor.districtCode,
      actorId: actor.id,
      action: 'counselling.setDuty',
      entity: day,
      data: { counsellorIds: ids },
    });
  });
}

/** The district's counsellors still in service, by name: whom the roster and a booking may name. */
export async function listCounsellors(db: Db, districtCode: string): Promise<Counsellor[]> {
  const rows = await db
    .select({ id: users.id, name: users.displayName, isUnitHead: users.isUnitHead })
    .from(users)
    .where(and(eq(users.districtCode, districtCode), eq(users.role, 'counsellor'), isNull(users.disabledAt)))
    .orderBy(asc(users.displayName));
  return rows.map((r) => ({ id: r.id, name: r.name, isSupervisor: r.isUnitHead }));
}

/** The counsellors on duty on the Shanghai day of `at`. */
export async function onDuty(tx: Db | Tx, districtCode: string, at: Date): Promise<string[]> {
  const rows = await tx
    .select({ id: counsellingDuty.counsellorId })
    .from(counsellingDuty)
    .innerJoin(users, and(eq(users.districtCode, counsellingDuty.districtCode), eq(users.id, counsellingDuty.counsellorId)))
    .where(and(eq(counsellingDuty.districtCode, districtCode), eq(counsellingDuty.day, shanghaiDate(at)), isNull(users.disabledAt)));
  return rows.map((r) => r.id);
}
