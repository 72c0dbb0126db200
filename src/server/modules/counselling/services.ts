import { and, desc, eq, sql } from 'drizzle-orm';
import type { ServiceSummary } from '../../../shared/schemas/counselling.js';
import type { Db } from '../../db/client.js';
import { caseParties, counsellingServices, persons } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { canSeeCase } from '../case-access/cases.policy.js';
import { findCaseRow } from '../case-access/case-row.js';
import { recordCaseEvent } from '../case-access/record-case-change.js';
import { findOrCreatePerson } from '../persons/persons.repository.js';
import { requireCounsellor } from './counselling.policy.js';

export type ServiceRow = typeof counsellingServices.$inferSelect;

/** 转介: a party of a case the actor can see is referred to the psychological service room. */
export async function requestFromCase(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  actor: Actor;
  caseId: string;
  personId: string;
  reason: string;
}) {
  const { db, crypto, actor } = opts;
  const row = await findCaseRow(db, actor.districtCode, opts.caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  const [party] = await db
    .select({ personId: caseParties.personId })
    .from(caseParties)
    .where(and(eq(caseParties.districtCode, actor.districtCode), eq(caseParties.caseId, row.id), eq(caseParties.personId, opts.personId)));
  if (!party) throw new AppError('COUNSELLING_PARTY_NOT_IN_CASE');
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(counsellingServices)
      .values({
        districtCode: actor.districtCode,
        caseId: row.id,
        personId: opts.personId,
        source: 'case_referral',
        reasonEnc: crypto.encrypt(opts.reason),
        requestedBy: actor.id,
      })
      .returning({ id: counsellingServices.id, status: counsellingServices.status, createdAt: counsellingServices.createdAt });
    // The case's timeline says only that a referral was made: the reason and everything after it stay sealed in the
    // service (精神卫生法 Art.4).
    await recordCaseEvent({
      db,
      within: tx,
      districtCode: actor.districtCode,
      caseId: row.id,
      author: actor,
      event: { action: 'counselling_referral', reason: '已转介心理服务', data: { serviceId: created!.id } },
    });
    return created!;
  });
}

/** A walk-in to the service room (or someone a grid worker brings): found or recorded as a person, then a service. */
export async function createWalkIn(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  actor: Actor;
  name: string;
  phone?: string;
  reason: string;
  source?: 'walk_in' | 'portal';
}) {
  const { db, crypto, actor } = opts;
  return db.transaction(async (tx) => {
    const personId = await findOrCreatePerson(tx, crypto, actor.districtCode, {
      role: 'applicant',
      type: 'person',
      name: opts.name,
      ...(opts.phone ? { phone: opts.phone } : {}),
    });
    const [created] = await tx
      .insert(counsellingServices)
      .values({
        districtCode: actor.districtCode,
        personId,
        source: opts.source ?? 'walk_in',
        reasonEnc: crypto.encrypt(opts.reason),
        requestedBy: actor.id,
        counsellorId: actor.role === 'counsellor' ? actor.id : null,
      })
      .returning({ id: counsellingServices.id });
    return created!;
  });
}

export async function findService(db: Db, actor: Actor, id: string): Promise<ServiceRow> {
  requireCounsellor(actor);
  const [row] = await db
    .select()
    .from(counsellingServices)
    .where(and(eq(counsellingServices.districtCode, actor.districtCode), eq(counsellingServices.id, id)));
  if (!row) throw new AppError('COUNSELLING_NOT_FOUND');
  return row;
}

/** The counsellors' list: every service of the district, open ones first, with open crisis alerts and the next appointment. */
export async function listServices(db: Db, actor: Actor, opts: { status?: string[] } = {}): Promise<ServiceSummary[]> {
  requireCounsellor(actor);
  const { rows } = await db.execute<{
    id: string;
    status: ServiceSummary['status'];
    source: ServiceSummary['source'];
    person_name: string;
    case_id: string | null;
    case_code: string | null;
    counsellor_id: string | null;
    counsellor_name: string | null;
    open_alerts: number;
    next_at: Date | null;
    created_at: Date;
  }>(sql`
    select s.id, s.status, s.source, p.name as person_name, s.case_id, c.code as case_code, s.counsellor_id, u.display_name as counsellor_name,
      (select count(*)::int from crisis_alerts a where a.district_code = s.district_code and a.service_id = s.id and a.assessed_at is null) as open_alerts,
      (select min(ap.starts_at) from counselling_appointments ap where ap.district_code = s.district_code and ap.service_id = s.id and ap.status = 'booked' and ap.starts_at > now()) as next_at,
      s.created_at
    from counselling_services s
    join persons p on p.district_code = s.district_code and p.id = s.person_id
    left join cases c on c.district_code = s.district_code and c.id = s.case_id
    left join users u on u.district_code = s.district_code and u.id = s.counsellor_id
    where s.district_code = ${actor.districtCode}
      ${
        opts.status?.length
          ? sql`and s.status in (${sql.join(
              opts.status.map((x) => sql`${x}`),
              sql`, `,
            )})`
          : sql``
      }
    order by (s.status in ('requested', 'active')) desc, open_alerts desc, s.created_at desc
    limit 500`);
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    source: r.source,
    personName: r.person_name,
    caseId: r.case_id,
    caseCode: r.case_code,
    counsellor: r.counsellor_id ? { id: r.counsellor_id, name: r.counsellor_name ?? '' } : null,
    openAlerts: r.open_alerts,
    nextAppointment: r.next_at ? new Date(r.next_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** For the case page: only that services exist and their status (never reasons, notes, scores). */
export async function caseServices(db: Db, actor: Actor, caseId: string) {
  const row = await findCaseRow(db, actor.districtCode, caseId);
  if (!row || !canSeeCase(actor, row)) throw new AppError('CASE_NOT_FOUND');
  const list = await db
    .select({ id: counsellingServices.id, status: counsellingServices.status, createdAt: counsellingServices.createdAt })
    .from(counsellingServices)
    .where(and(eq(counsellingServices.districtCode, actor.districtCode), eq(counsellingServices.caseId, caseId)))
    .orderBy(desc(counsellingServices.createdAt));
  return { services: list.map((s) => ({ ...s, createdAt: s.createdAt.toISOString() })) };
}

export async function personName(db: Db, districtCode: string, personId: string): Promise<string> {
  const [p] = await db
    .select({ name: persons.name })
    .from(persons)
    .where(and(eq(persons.districtCode, districtCode), eq(persons.id, personId)));
  return p?.name ?? '';
}

/** The service's status moves on with the work: a first appointment or session makes it active. */
export async function markActive(opts: { db: Db; districtCode: string; serviceId: string; counsellorId: string }) {
  const { db, districtCode, serviceId, counsellorId } = opts;
  await db
    .update(counsellingServices)
    .set({ status: 'active', counsellorId: sql`coalesce(${counsellingServices.counsellorId}, ${counsellorId}::uuid)` })
    .where(
      and(
        eq(counsellingServices.districtCode, districtCode),
        eq(counsellingServices.id, serviceId),
        eq(counsellingServices.status, 'requested'),
      ),
    );
}

/** 结案: a service ends; not while a crisis alert of it waits for its risk assessment. Appointments still booked are cancelled. */
export async function closeService(db: Db, actor: Actor, id: string) {
  const service = await findService(db, actor, id);
  if (service.status === 'closed') return;
  await db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ n: number }>(
      sql`select count(*)::int as n from crisis_alerts where district_code = ${actor.districtCode} and service_id = ${id} and assessed_at is null`,
    );
    if (rows[0]!.n > 0) throw new AppError('COUNSELLING_ALERT_OPEN');
    await tx.execute(
      sql`update counselling_appointments set status = 'cancelled', note = '服务结案', updated_at = now() where district_code = ${actor.districtCode} and service_id = ${id} and status = 'booked'`,
    );
    await tx
      .update(counsellingServices)
      .set({ status: 'closed', closedAt: new Date() })
      .where(and(eq(counsellingServices.districtCode, actor.districtCode), eq(counsellingServices.id, service.id)));
  });
}
