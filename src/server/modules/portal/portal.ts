import { createHash, randomBytes } from 'node:crypto';
import { and, asc, count, eq, gt, gte, inArray, sql } from 'drizzle-orm';
import { maskPhone } from '../../../shared/identifiers.js';
import type { PublicPlace, portalReportBodySchema } from '../../../shared/schemas/portal.js';
import type { WorkCalendar } from '../../../shared/calendar.js';
import type { Satisfaction } from '../../../shared/enums.js';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import {
  attachments,
  caseEvents,
  caseParties,
  cases,
  counsellingServices,
  persons,
  phoneVerifications,
  units,
  users,
} from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import { AppError } from '../../plugins/errors.js';
import { actOnCase } from '../case-access/act-on-case.js';
import { registerCase } from '../case-access/register-case.js';
import { storeAttachment } from '../case-access/upload-attachment.js';
import { systemActor } from '../integrations/system-actors.js';
import type { SmsGateway } from '../notifications/sms-gateway.js';
import { enqueue } from '../notifications/outbox.js';
import { checkPhoneCode, issuePhoneCode } from '../notifications/phone-codes.js';
import { findOrCreatePerson } from '../persons/persons.repository.js';

const TICKET_TTL_MS = 2 * 3600_000;
const REPORTS_PER_PHONE_PER_DAY = 5;
export const PHOTOS_PER_REPORT = 6;
const PHOTO_WINDOW_MS = 24 * 3600_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** The portal's own account (users.is_system): every portal case is registered by it. */
const portalActor = (db: Db, districtCode: string) => systemActor(db, districtCode, 'portal', '群众自助（网上）');

/** The district's streets and communities for the report's place field, by code, each community under its street. */
export async function listPublicPlaces(db: Db, districtCode: string): Promise<PublicPlace[]> {
  const rows = await db
    .select({ id: units.id, parentId: units.parentId, code: units.code, name: units.name, kind: units.kind })
    .from(units)
    .where(and(eq(units.districtCode, districtCode), inArray(units.kind, ['street', 'community'])))
    .orderBy(asc(units.code));
  const codeOf = new Map(rows.map((r) => [r.id, r.code]));
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    kind: r.kind as 'street' | 'community',
    parentCode: (r.parentId && codeOf.get(r.parentId)) || null,
  }));
}

/** Step 1 of the portal: a 6-digit code by SMS, under the limits every door shares (notifications/phone-codes.ts). */
export async function startVerification(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  sms: SmsGateway;
  districtCode: string;
  phone: string;
  ip: string;
  showCode: boolean;
}) {
  const { code, ...issued } = await issuePhoneCode(opts);
  return { ...issued, ...(opts.showCode ? { demoCode: code } : {}) };
}

/** Step 2: the code, five tries. Gives a ticket valid two hours for filing and adding photos. */
export async function confirmVerification(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  districtCode: string;
  verificationId: string;
  code: string;
}) {
  const { db, crypto, districtCode } = opts;
  const row = await checkPhoneCode(opts);
  const ticket = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + TICKET_TTL_MS);
  await db
    .update(phoneVerifications)
    .set({ ticketHash: sha256(ticket), expiresAt })
    .where(and(eq(phoneVerifications.districtCode, districtCode), eq(phoneVerifications.id, row.id)));
  return { ticket, expiresAt: expiresAt.toISOString(), maskedPhone: maskPhone(crypto.decrypt(row.phoneEnc)) };
}

/** The verified phone behind a ticket, or PORTAL_TICKET_INVALID. */
async function phoneOfTicket(db: Db, crypto: PersonalDataCrypto, ticket: string | undefined) {
  if (!ticket) throw new AppError('PORTAL_TICKET_INVALID');
  const [row] = await db
    .select()
    .from(phoneVerifications)
    .where(and(eq(phoneVerifications.ticketHash, sha256(ticket)), gt(phoneVerifications.expiresAt, sql`now()`)));
  if (!row) throw new AppError('PORTAL_TICKET_INVALID');
  return { districtCode: row.districtCode, phone: crypto.decrypt(row.phoneEnc), phoneHash: row.phoneHash };
}

/** Portal cases whose applicant has this phone (the `where` of the daily limit and of photo ownership). */
const byApplicantPhone = (phoneHash: string) =>
  sql`exists (select 1 from ${caseParties} p join ${persons} s on s.district_code = p.district_code and s.id = p.person_id
    where p.district_code = ${cases.districtCode} and p.case_id = ${cases.id} and p.role = 'applicant' and s.phone_hash = ${phoneHash})`;

/**
 * Step 3: the report becomes a case on the `online` channel with the resident as applicant (the verified phone).
 * The honeypot field must be empty; five reports per phone a day; the Idempotency-Key makes a double tap one case.
 */
export async function filePortalReport(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  calendar: WorkCalendar;
  ticket: string | undefined;
  idempotencyKey: string;
  body: z.infer<typeof portalReportBodySchema>;
}) {
  const { db, crypto, calendar, body } = opts;
  if (body.website) throw new AppError('SUBMISSION_REJECTED');
  const { districtCode, phone, phoneHash } = await phoneOfTicket(db, crypto, opts.ticket);
  const actor = await portalActor(db, districtCode);
  const key = `portal:${opts.idempotencyKey}`;
  const [already] = await db
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.districtCode, districtCode), eq(cases.registeredBy, actor.id), eq(cases.idempotencyKey, key)));
  if (!already) {
    const [{ n } = { n: 0 }] = await db
      .select({ n: count() })
      .from(cases)
      .where(
        and(
          eq(cases.districtCode, districtCode),
          eq(cases.registeredBy, actor.id),
          gte(cases.createdAt, sql`now() - interval '1 day'`),
          byApplicantPhone(phoneHash),
        ),
      );
    if (n >= REPORTS_PER_PHONE_PER_DAY) throw new AppError('PORTAL_DAILY_LIMIT');
  }
  const text = Array.from(body.narrative.replace(/\s+/g, ' '));
  return registerCase({
    db,
    crypto,
    calendar,
    actor,
    idempotencyKey: key,
    body: {
      channel: 'online',
      kind: body.kind,
      category: body.category,
      summary: text.slice(0, 40).join('') + (text.length > 40 ? '…' : ''),
      narrative: body.narrative,
      peopleInvolved: body.peopleInvolved,
      riskLevel: 'low',
      difficulty: 'ordinary',
      parties: [
        { role: 'applicant', type: 'person', name: body.name, phone },
        ...(body.respondent ? [{ role: 'respondent' as const, type: 'person' as const, name: body.respondent }] : []),
      ],
      place: { address: body.place.address, ...(body.place.unitCode ? { unitCode: body.place.unitCode } : {}) },
    },
  });
}

/** Photos of a portal report: by the phone that filed it, within a day of filing, six at most. */
export async function addPortalPhoto(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  ticket: string | undefined;
  trackingToken: string;
  fileName: string;
  content: Buffer;
}) {
  const { db, crypto } = opts;
  const { districtCode, phoneHash } = await phoneOfTicket(db, crypto, opts.ticket);
  const actor = await portalActor(db, districtCode);
  const [own] = await db
    .select({ id: cases.id, createdAt: cases.createdAt })
    .from(cases)
    .where(
      and(
        eq(cases.districtCode, districtCode),
        eq(cases.trackingToken, opts.trackingToken.toUpperCase()),
        eq(cases.registeredBy, actor.id),
        byApplicantPhone(phoneHash),
      ),
    );
  if (!own) throw new AppError('TRACKING_TOKEN_NOT_FOUND');
  if (Date.now() - own.createdAt.getTime() > PHOTO_WINDOW_MS) throw new AppError('PHOTO_LIMIT_REACHED', { reason: 'window' });
  const [{ n } = { n: 0 }] = await db
    .select({ n: count() })
    .from(attachments)
    .where(and(eq(attachments.districtCode, districtCode), eq(attachments.caseId, own.id)));
  if (n >= PHOTOS_PER_REPORT) throw new AppError('PHOTO_LIMIT_REACHED', { max: PHOTOS_PER_REPORT });
  const [register] = await db
    .select({ id: caseEvents.id })
    .from(caseEvents)
    .where(and(eq(caseEvents.districtCode, districtCode), eq(caseEvents.caseId, own.id), eq(caseEvents.action, 'register')))
    .limit(1);
  return storeAttachment({
    db,
    districtCode,
    caseId: own.id,
    kind: 'photo',
    fileName: opts.fileName,
    content: opts.content,
    uploadedBy: actor.id,
    eventId: register?.id ?? null,
  });
}

/**
 * 评价: the resident rates a concluded case by its tracking token. It is the case's follow-up (回访) by the portal;
 * 不满意 reopens the case like any follow-up.
 */
export async function rateByToken(opts: {
  db: Db;
  calendar: WorkCalendar;
  trackingToken: string;
  satisfaction: Satisfaction;
  comment?: string;
}) {
  const { db, calendar } = opts;
  const [row] = await db.select().from(cases).where(eq(cases.trackingToken, opts.trackingToken.toUpperCase())).limit(1);
  if (!row) throw new AppError('TRACKING_TOKEN_NOT_FOUND');
  if (row.status !== 'concluded') throw new AppError('RATING_NOT_OPEN', { status: row.status });
  const actor = await portalActor(db, row.districtCode);
  return actOnCase({
    db,
    calendar,
    actor,
    caseId: row.id,
    body: {
      action: 'follow_up',
      expectedVersion: row.version,
      satisfaction: opts.satisfaction,
      followUpMethod: 'portal',
      note: `群众网上评价${opts.comment ? `：${opts.comment}` : ''}`,
    },
  });
}

/**
 * 心理咨询申请 on the portal: the verified phone asks for a counsellor. It becomes a counselling service (source
 * `portal`) and every counsellor is told in-app, without the person's words in the message. One open request per phone:
 * asking again while one is waiting returns the waiting one.
 */
export async function requestCounsellingOnPortal(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  ticket: string | undefined;
  name: string;
  reason: string;
}) {
  const { db, crypto } = opts;
  const { districtCode, phone } = await phoneOfTicket(db, crypto, opts.ticket);
  return db.transaction(async (tx) => {
    const personId = await findOrCreatePerson(tx, crypto, districtCode, { role: 'applicant', type: 'person', name: opts.name, phone });
    const [waiting] = await tx
      .select({ id: counsellingServices.id })
      .from(counsellingServices)
      .where(
        and(
          eq(counsellingServices.districtCode, districtCode),
          eq(counsellingServices.personId, personId),
          eq(counsellingServices.source, 'portal'),
          eq(counsellingServices.status, 'requested'),
        ),
      );
    if (waiting) return { received: true };
    const [created] = await tx
      .insert(counsellingServices)
      .values({ districtCode, personId, source: 'portal', reasonEnc: crypto.encrypt(opts.reason) })
      .returning({ id: counsellingServices.id });
    const counsellors = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.districtCode, districtCode), eq(users.role, 'counsellor'), sql`${users.disabledAt} is null`));
    await enqueue(
      tx,
      counsellors.map((c) => ({
        districtCode,
        dedupeKey: `counselling-request:${created!.id}:${c.id}`,
        channel: 'in_app' as const,
        recipientUserId: c.id,
        title: '新的心理咨询申请（网上）',
        body: '有群众在网上申请心理咨询，请在心理服务工作台接案并联系。',
      })),
    );
    return { received: true };
  });
}
