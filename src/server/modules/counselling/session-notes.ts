import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accessLog, counsellingSessions } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canReadNotes, requireCounsellor } from './counselling.policy.js';
import { userNames } from '../../lib/user-names.js';
import { findService, markActive } from './services.js';

/** Records a session's notes, encrypted at rest; never indexed for search, never in an export or a case file. */
export async function addSession(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  actor: Actor;
  serviceId: string;
  notes: string;
  heldOn: string;
  appointmentId?: string;
}) {
  const { db, crypto, actor } = opts;
  const service = await findService(db, actor, opts.serviceId);
  const [row] = await db
    .insert(counsellingSessions)
    .values({
      districtCode: actor.districtCode,
      serviceId: service.id,
      appointmentId: opts.appointmentId ?? null,
      counsellorId: actor.id,
      notesEnc: crypto.encrypt(opts.notes),
      heldOn: opts.heldOn,
    })
    .returning({ id: counsellingSessions.id });
  await markActive({ db, districtCode: actor.districtCode, serviceId: service.id, counsellorId: actor.id });
  return row!;
}

/** The sessions of a service without their content: date, counsellor, and whether the reader may open the notes. */
export async function listSessions(db: Db, actor: Actor, serviceId: string) {
  requireCounsellor(actor);
  const rows = await db
    .select({ id: counsellingSessions.id, heldOn: counsellingSessions.heldOn, counsellorId: counsellingSessions.counsellorId })
    .from(counsellingSessions)
    .where(and(eq(counsellingSessions.districtCode, actor.districtCode), eq(counsellingSessions.serviceId, serviceId)))
    .orderBy(asc(counsellingSessions.heldOn), asc(counsellingSessions.createdAt));
  const names = await userNames(
    db,
    actor.districtCode,
    rows.map((r) => r.counsellorId),
  );
  return rows.map((r) => ({
    id: r.id,
    heldOn: r.heldOn,
    counsellor: { id: r.counsellorId, name: names.get(r.counsellorId) ?? '' },
    canRead: canReadNotes(actor, r),
  }));
}

/**
 * Opens one session's notes: only for their author and a counselling supervisor (others who are not counsellors are
 * told it does not exist; other counsellors that it is sealed). Every read is logged (个人信息保护法 Art.51).
 */
export async function readSession(opts: { db: Db; crypto: PersonalDataCrypto; actor: Actor; id: string; requestId: string; ip: string }) {
  const { db, crypto, actor } = opts;
  requireCounsellor(actor);
  const [row] = await db
    .select()
    .from(counsellingSessions)
    .where(and(eq(counsellingSessions.districtCode, actor.districtCode), eq(counsellingSessions.id, opts.id)));
  if (!row) throw new AppError('COUNSELLING_NOT_FOUND');
  if (!canReadNotes(actor, row)) throw new AppError('SESSION_NOTES_SEALED');
  await db.insert(accessLog).values({
    districtCode: actor.districtCode,
    actorId: actor.id,
    entityType: 'counselling_session',
    entityId: row.id,
    field: 'notes',
    purpose: '查阅心理咨询记录',
    requestId: opts.requestId,
    ip: opts.ip,
  });
  const names = await userNames(db, actor.districtCode, [row.counsellorId]);
  return {
    id: row.id,
    heldOn: row.heldOn,
    counsellor: { id: row.counsellorId, name: names.get(row.counsellorId) ?? '' },
    canRead: true,
    notes: crypto.decrypt(row.notesEnc),
  };
}
