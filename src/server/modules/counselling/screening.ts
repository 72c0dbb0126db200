import { createHash, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { onDuty } from './duty.js';
import { BUILT_IN_SCALES, scoreScale, type ScaleDefinition } from '../../../shared/scales.js';
import type { Db, Tx } from '../../db/client.js';
import { counsellingServices, crisisAlerts, kioskTokens, persons, scaleAdministrations, scaleDefinitions, users } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { enqueue } from '../notifications/outbox.js';
import { canSuperviseCounselling, requireCounsellor } from './counselling.policy.js';
import { findService } from './services.js';

/** A kiosk or phone link stays usable this long, once. */
const KIOSK_LINK_HOURS = 2;
const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');

/** The district's scales: the built-in PHQ-9 and GAD-7, and any a centre added. */
export async function listScales(db: Db, districtCode: string): Promise<ScaleDefinition[]> {
  const custom = await db
    .select({ definition: scaleDefinitions.definition })
    .from(scaleDefinitions)
    .where(eq(scaleDefinitions.districtCode, districtCode))
    .orderBy(asc(scaleDefinitions.code));
  return [...BUILT_IN_SCALES, ...custom.map((c) => c.definition)];
}

export async function findScale(db: Db, districtCode: string, code: string): Promise<ScaleDefinition> {
  const scale = (await listScales(db, districtCode)).find((s) => s.code === code);
  if (!scale) throw new AppError('SCALE_NOT_FOUND', { code });
  return scale;
}

/** A centre adds a scale (SCL-90…) as data: a supervisor or an admin; the built-in codes cannot be replaced. */
export async function addScale(db: Db, actor: Actor, definition: ScaleDefinition) {
  if (!canSuperviseCounselling(actor)) throw new AppError('FORBIDDEN');
  if (BUILT_IN_SCALES.some((s) => s.code === definition.code)) throw new AppError('SCALE_EXISTS');
  const [row] = await db
    .insert(scaleDefinitions)
    .values({ districtCode: actor.districtCode, code: definition.code, definition })
    .onConflictDoNothing()
    .returning({ code: scaleDefinitions.code });
  if (!row) throw new AppError('SCALE_EXISTS');
}

/**
 * Stores one administration (answers encrypted) and, when an answer meets a crisis rule — any non-zero answer to
 * PHQ-9 item 9, whatever the total — raises a crisis alert in the same transaction and tells the service's counsellor,
 * the supervisors and the counsellors on duty at once (in-app; the alert stays open until a risk assessment is recorded).
 */
async function storeAdministration(
  tx: Tx,
  crypto: PersonalDataCrypto,
  opts: {
    districtCode: string;
    serviceId: string;
    scale: ScaleDefinition;
    answers: number[];
    mode: 'counsellor' | 'self';
    by: string | null;
  },
) {
  let score;
  try {
    score = scoreScale(opts.scale, opts.answers);
  } catch {
    throw new AppError('SCALE_ANSWERS_INVALID');
  }
  const [admin] = await tx
    .insert(scaleAdministrations)
    .values({
      districtCode: opts.districtCode,
      serviceId: opts.serviceId,
      scaleCode: opts.scale.code,
      answersEnc: crypto.encrypt(JSON.stringify(opts.answers)),
      total: score.total,
      band: score.band.key,
      mode: opts.mode,
      administeredBy: opts.by,
    })
    .returning({ id: scaleAdministrations.id, createdAt: scaleAdministrations.createdAt });
  let alertId: string | null = null;
  if (score.crisis.length) {
    const [alert] = await tx
      .insert(crisisAlerts)
      .values({
        districtCode: opts.districtCode,
        serviceId: opts.serviceId,
        administrationId: admin!.id,
        reason: `${opts.scale.code} ${score.crisis.map((c) => c.reason).join('；')}`,
      })
      .returning({ id: crisisAlerts.id });
    alertId = alert!.id;
    const [service] = await tx
      .select({ counsellorId: counsellingServices.counsellorId })
      .from(counsellingServices)
      .where(and(eq(counsellingServices.districtCode, opts.districtCode), eq(counsellingServices.id, opts.serviceId)));
    // The service's counsellor, every supervisor and whoever is on duty today; with no counsellor assigned and
    // nobody on duty, every counsellor.
    const duty = await onDuty(tx, opts.districtCode, new Date());
    const named = [...duty, ...(service?.counsellorId ? [service.counsellorId] : [])];
    const recipients = await tx
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          eq(users.districtCode, opts.districtCode),
          eq(users.role, 'counsellor'),
          isNull(users.disabledAt),
          named.length ? or(inArray(users.id, named), eq(users.isUnitHead, true)) : undefined,
        ),
      );
    await enqueue(
      tx,
      recipients.map((r) => ({
        districtCode: opts.districtCode,
        dedupeKey: `crisis:${alertId}:${r.id}`,
        channel: 'in_app' as const,
        recipientUserId: r.id,
        title: '危机预警：请立即进行风险评估',
        // No name or answer in the message: it is read in a notification list.
        body: '一份心理量表出现危机条目作答，请立即登录心理服务工作台查看并记录风险评估。',
      })),
    );
  }
  return { id: admin!.id, total: score.total, band: score.band, crisis: score.crisis.length > 0, alertId, createdAt: admin!.createdAt };
}

/** A counsellor administers a scale in the session. */
export async function administerScale(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  actor: Actor;
  serviceId: string;
  scaleCode: string;
  answers: number[];
}) {
  const { db, actor } = opts;
  const service = await findService(db, actor, opts.serviceId);
  const scale = await findScale(db, actor.districtCode, opts.scaleCode);
  return db.transaction((tx) =>
    storeAdministration(tx, opts.crypto, {
      districtCode: actor.districtCode,
      serviceId: service.id,
      scale,
      answers: opts.answers,
      mode: 'counsellor',
      by: actor.id,
    }),
  );
}

/** A one-time link for the service room's tablet (or sent to the person's phone) to self-complete a scale. */
export async function createKioskLink(opts: {
  db: Db;
  actor: Actor;
  serviceId: string;
  scaleCode: string;
  bySms?: boolean;
  publicBaseUrl?: string;
}) {
  const { db, actor } = opts;
  const service = await findService(db, actor, opts.serviceId);
  await findScale(db, actor.districtCode, opts.scaleCode);
  const phoneEnc = opts.bySms
    ? await kioskSmsPhone({ db, districtCode: actor.districtCode, personId: service.personId, publicBaseUrl: opts.publicBaseUrl })
    : null;
  const token = randomBytes(18).toString('base64url');
  const expiresAt = new Date(Date.now() + KIOSK_LINK_HOURS * 3600_000);
  const path = `/kiosk/${token}`;
  await db.transaction(async (tx) => {
    await tx.insert(kioskTokens).values({
      districtCode: actor.districtCode,
      tokenHash: hashToken(token),
      serviceId: service.id,
      scaleCode: opts.scaleCode,
      createdBy: actor.id,
      expiresAt,
    });
    if (phoneEnc) {
      // Neutral words: a text is read over shoulders and in lock screens; nothing says what the questions are about.
      await enqueue(tx, [
        {
          districtCode: actor.districtCode,
          dedupeKey: `kiosk:${hashToken(token)}`,
          channel: 'sms',
          recipientPhoneEnc: phoneEnc,
          title: '问卷链接',
          body: `区综治中心请您填写一份简短问卷（${KIOSK_LINK_HOURS} 小时内有效，只能填写一次）：${opts.publicBaseUrl!.replace(/\/+$/, '')}${path}`,
        },
      ]);
    }
  });
  return { token, path, expiresAt: expiresAt.toISOString(), sentBySms: !!phoneEnc };
}

/** The person a kiosk link would be texted to, and the address the link would name. */
interface KioskSmsRecipient {
  db: Db;
  districtCode: string;
  personId: string;
  publicBaseUrl: string | undefined;
}

/** Where a link for this person can be texted: their encrypted phone, or why not (no public address, no phone). */
async function kioskSmsTarget(opts: KioskSmsRecipient) {
  const { db, districtCode, personId, publicBaseUrl } = opts;
  if (!publicBaseUrl) return { state: 'no_public_address' as const };
  const [person] = await db
    .select({ phoneEnc: persons.phoneEnc })
    .from(persons)
    .where(and(eq(persons.districtCode, districtCode), eq(persons.id, personId)));
  return person?.phoneEnc ? { state: 'available' as const, phoneEnc: person.phoneEnc } : { state: 'no_phone' as const };
}

/** Whether a link can go to the person by text: 'available', or why not. */
export async function kioskSmsState(opts: KioskSmsRecipient) {
  return (await kioskSmsTarget(opts)).state;
}

async function kioskSmsPhone(opts: KioskSmsRecipient): Promise<Buffer> {
  const target = await kioskSmsTarget(opts);
  if (target.state === 'no_public_address') throw new AppError('KIOSK_SMS_UNAVAILABLE');
  if (target.state === 'no_phone') throw new AppError('KIOSK_SMS_NO_PHONE');
  return target.phoneEnc;
}

async function findKiosk(db: Db | Tx, token: string) {
  const [row] = await db
    .select()
    .from(kioskTokens)
    .where(and(eq(kioskTokens.tokenHash, hashToken(token)), isNull(kioskTokens.usedAt), gt(kioskTokens.expiresAt, new Date())));
  if (!row) throw new AppError('KIOSK_LINK_INVALID');
  return row;
}

/** What the tablet shows: the scale's words only — no name, no case, nothing about the person. */
export async function readKiosk(db: Db, token: string) {
  const row = await findKiosk(db, token);
  const scale = await findScale(db, row.districtCode, row.scaleCode);
  return { scale: { code: scale.code, name: scale.name, instructions: scale.instructions, items: scale.items, options: scale.options } };
}

/** The resident's answers from the tablet: the link is spent in the same transaction (a double tap stores one). */
export async function submitKiosk(opts: { db: Db; crypto: PersonalDataCrypto; token: string; answers: number[] }) {
  const { db } = opts;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(kioskTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(kioskTokens.tokenHash, hashToken(opts.token)), isNull(kioskTokens.usedAt), gt(kioskTokens.expiresAt, new Date())))
      .returning();
    if (!row) throw new AppError('KIOSK_LINK_INVALID');
    const scale = await findScale(db, row.districtCode, row.scaleCode);
    const result = await storeAdministration(tx, opts.crypto, {
      districtCode: row.districtCode,
      serviceId: row.serviceId,
      scale,
      answers: opts.answers,
      mode: 'self',
      by: null,
    });
    // The person is not shown a score (a counsellor goes through it with them); a crisis answer gets help at once.
    return { received: true, needsHelpNow: result.crisis };
  });
}

export async function listAdministrations(db: Db, actor: Actor, serviceId: string) {
  requireCounsellor(actor);
  const rows = await db
    .select()
    .from(scaleAdministrations)
    .where(and(eq(scaleAdministrations.districtCode, actor.districtCode), eq(scaleAdministrations.serviceId, serviceId)))
    .orderBy(asc(scaleAdministrations.createdAt));
  const scales = await listScales(db, actor.districtCode);
  const alerts = await db
    .select({ administrationId: crisisAlerts.administrationId })
    .from(crisisAlerts)
    .where(and(eq(crisisAlerts.districtCode, actor.districtCode), eq(crisisAlerts.serviceId, serviceId)));
  return rows.map((r) => {
    const band = scales.find((s) => s.code === r.scaleCode)?.bands.find((b) => b.key === r.band);
    return {
      id: r.id,
      scaleCode: r.scaleCode,
      total: r.total,
      band: { key: r.band, label: band?.label ?? r.band },
      mode: r.mode,
      crisis: alerts.some((a) => a.administrationId === r.id),
      createdAt: r.createdAt.toISOString(),
    };
  });
}

/** Crisis alerts, open first; for counsellors only. */
export async function listAlerts(db: Db, actor: Actor, opts: { serviceId?: string; openOnly?: boolean } = {}) {
  requireCounsellor(actor);
  const rows = await db
    .select({ a: crisisAlerts, personName: persons.name })
    .from(crisisAlerts)
    .innerJoin(
      counsellingServices,
      and(eq(counsellingServices.districtCode, crisisAlerts.districtCode), eq(counsellingServices.id, crisisAlerts.serviceId)),
    )
    .innerJoin(persons, and(eq(persons.districtCode, counsellingServices.districtCode), eq(persons.id, counsellingServices.personId)))
    .where(
      and(
        eq(crisisAlerts.districtCode, actor.districtCode),
        opts.serviceId ? eq(crisisAlerts.serviceId, opts.serviceId) : undefined,
        opts.openOnly ? isNull(crisisAlerts.assessedAt) : undefined,
      ),
    )
    .orderBy(sql`${crisisAlerts.assessedAt} is not null`, desc(crisisAlerts.raisedAt))
    .limit(200);
  return rows.map((r) => ({
    id: r.a.id,
    serviceId: r.a.serviceId,
    personName: r.personName,
    reason: r.a.reason,
    raisedAt: r.a.raisedAt.toISOString(),
    assessedAt: r.a.assessedAt?.toISOString() ?? null,
    riskLevel: r.a.riskLevel,
  }));
}

/** Closes an alert with the counsellor's risk assessment (level, what was found and done), encrypted. */
export async function assessAlert(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  actor: Actor;
  id: string;
  riskLevel: (typeof crisisAlerts.$inferSelect)['riskLevel'] & string;
  assessment: string;
}) {
  const { db, actor } = opts;
  requireCounsellor(actor);
  const [row] = await db
    .update(crisisAlerts)
    .set({ assessedAt: new Date(), assessedBy: actor.id, riskLevel: opts.riskLevel, assessmentEnc: opts.crypto.encrypt(opts.assessment) })
    .where(and(eq(crisisAlerts.districtCode, actor.districtCode), eq(crisisAlerts.id, opts.id), isNull(crisisAlerts.assessedAt)))
    .returning({ id: crisisAlerts.id });
  if (!row) {
    const [exists] = await db
      .select({ id: crisisAlerts.id })
      .from(crisisAlerts)
      .where(and(eq(crisisAlerts.districtCode, actor.districtCode), eq(crisisAlerts.id, opts.id)));
    throw new AppError(exists ? 'CRISIS_ALERT_ASSESSED' : 'CRISIS_ALERT_NOT_FOUND');
  }
}
