import { formatShanghaiChinese } from '../../../shared/calendar.js';
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Appointment } from '../../../shared/schemas/counselling.js';
import type { Db } from '../../db/client.js';
import { counsellingAppointments, counsellingRooms, counsellingServices, persons, users } from '../../db/schema.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { enqueue } from '../notifications/outbox.js';
import { requireCounsellor } from './counselling.policy.js';
import { findService, markActive } from './services.js';

const DAY_MS = 86_400_000;

function pgCode(err: unknown): { code?: string; constraint?: string } {
  const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  return e.cause?.code ? e.cause : e;
}

/**
 * Books a counsellor and a room for a time. The database's exclusion constraints refuse an overlap with a booked or
 * attended appointment of the same counsellor or room, even when two people book at the same moment; the refusal
 * names which one is taken. The person gets an SMS reminder the day before (neutral wording: no "psychological").
 */
export async function bookAppointment(opts: {
  db: Db;
  actor: Actor;
  body: { serviceId: string; counsellorId: string; roomId: string; startsAt: string; endsAt: string };
}): Promise<{ id: string }> {
  const { db, actor, body } = opts;
  const service = await findService(db, actor, body.serviceId);
  if (service.status === 'closed') throw new AppError('COUNSELLING_SERVICE_CLOSED');
  const [counsellor] = await db
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.districtCode, actor.districtCode),
        eq(users.id, body.counsellorId),
        eq(users.role, 'counsellor'),
        sql`${users.disabledAt} is null`,
      ),
    );
  if (!counsellor) throw new AppError('COUNSELLOR_NOT_FOUND');
  const [room] = await db
    .select({ id: counsellingRooms.id, name: counsellingRooms.name })
    .from(counsellingRooms)
    .where(
      and(eq(counsellingRooms.districtCode, actor.districtCode), eq(counsellingRooms.id, body.roomId), eq(counsellingRooms.isActive, true)),
    );
  if (!room) throw new AppError('ROOM_NOT_FOUND');
  const startsAt = new Date(body.startsAt);
  if (startsAt.getTime() < Date.now() - 5 * 60_000) throw new AppError('APPOINTMENT_IN_PAST');
  let booked: { id: string };
  try {
    booked = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(counsellingAppointments)
        .values({
          districtCode: actor.districtCode,
          serviceId: service.id,
          counsellorId: counsellor.id,
          roomId: room.id,
          startsAt,
          endsAt: new Date(body.endsAt),
          bookedBy: actor.id,
        })
        .returning({ id: counsellingAppointments.id });
      const [person] = await tx
        .select({ phoneEnc: persons.phoneEnc })
        .from(persons)
        .where(and(eq(persons.districtCode, actor.districtCode), eq(persons.id, service.personId)));
      if (person?.phoneEnc) {
        const when = formatShanghaiChinese(startsAt);
        await enqueue(tx, [
          {
            districtCode: actor.districtCode,
            dedupeKey: `appointment:${row!.id}:reminder`,
            channel: 'sms',
            recipientPhoneEnc: person.phoneEnc,
            title: '预约提醒',
            body: `您在区综治中心的预约：${when}，地点：${room.name}。如需改期请致电中心。`,
            notBefore: new Date(Math.max(Date.now(), startsAt.getTime() - DAY_MS)),
          },
        ]);
      }
      return row!;
    });
  } catch (err) {
    const e = pgCode(err);
    if (e.code === '23P01' && e.constraint === 'counselling_appointments_counsellor_free') throw new AppError('COUNSELLOR_BUSY');
    if (e.code === '23P01' && e.constraint === 'counselling_appointments_room_free') throw new AppError('ROOM_BUSY');
    throw err;
  }
  await markActive({ db, districtCode: actor.districtCode, serviceId: service.id, counsellorId: counsellor.id });
  return booked;
}

/** Attended, cancelled (frees the slot) or no-show; each recorded with who and when. */
export async function setAppointmentStatus(opts: {
  db: Db;
  actor: Actor;
  id: string;
  status: 'attended' | 'cancelled' | 'no_show';
  note?: string;
}) {
  const { db, actor } = opts;
  requireCounsellor(actor);
  const [row] = await db
    .update(counsellingAppointments)
    .set({ status: opts.status, note: opts.note ?? null, updatedAt: new Date() })
    .where(
      and(
        eq(counsellingAppointments.districtCode, actor.districtCode),
        eq(counsellingAppointments.id, opts.id),
        eq(counsellingAppointments.status, 'booked'),
      ),
    )
    .returning({ id: counsellingAppointments.id });
  if (!row) throw new AppError('APPOINTMENT_NOT_BOOKED');
}

/** Appointments in [from, to) — the week's plan of the service room — or of one service. */
export async function listAppointments(db: Db, actor: Actor, q: { from?: Date; to?: Date; serviceId?: string }): Promise<Appointment[]> {
  requireCounsellor(actor);
  const where = [eq(counsellingAppointments.districtCode, actor.districtCode)];
  if (q.from) where.push(gte(counsellingAppointments.startsAt, q.from));
  if (q.to) where.push(lt(counsellingAppointments.startsAt, q.to));
  if (q.serviceId) where.push(eq(counsellingAppointments.serviceId, q.serviceId));
  const rows = await db
    .select({ a: counsellingAppointments, roomName: counsellingRooms.name, counsellorName: users.displayName, personName: persons.name })
    .from(counsellingAppointments)
    .innerJoin(
      counsellingRooms,
      and(eq(counsellingRooms.districtCode, counsellingAppointments.districtCode), eq(counsellingRooms.id, counsellingAppointments.roomId)),
    )
    .innerJoin(users, and(eq(users.districtCode, counsellingAppointments.districtCode), eq(users.id, counsellingAppointments.counsellorId)))
    .innerJoin(
      counsellingServices,
      and(
        eq(counsellingServices.districtCode, counsellingAppointments.districtCode),
        eq(counsellingServices.id, counsellingAppointments.serviceId),
      ),
    )
    .innerJoin(persons, and(eq(persons.districtCode, counsellingServices.districtCode), eq(persons.id, counsellingServices.personId)))
    .where(and(...where))
    .orderBy(asc(counsellingAppointments.startsAt))
    .limit(500);
  return rows.map((r) => ({
    id: r.a.id,
    serviceId: r.a.serviceId,
    personName: r.personName,
    counsellor: { id: r.a.counsellorId, name: r.counsellorName },
    room: { id: r.a.roomId, name: r.roomName },
    startsAt: r.a.startsAt.toISOString(),
    endsAt: r.a.endsAt.toISOString(),
    status: r.a.status,
    note: r.a.note,
  }));
}
