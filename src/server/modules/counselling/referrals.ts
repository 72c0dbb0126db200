import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { counsellingServices, medicalReferrals } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { requireCounsellor } from './counselling.policy.js';
import { findService } from './services.js';

/**
 * 转介: counsellors do not diagnose or treat (精神卫生法 Art.23); they refer to a medical institution and follow up
 * on a set date. The service is marked referred out.
 */
export async function referOut(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  actor: Actor;
  serviceId: string;
  institution: string;
  reason: string;
  followUpOn: string;
}) {
  const { db, crypto, actor } = opts;
  const service = await findService(db, actor, opts.serviceId);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(medicalReferrals)
      .values({
        districtCode: actor.districtCode,
        serviceId: service.id,
        institution: opts.institution,
        reasonEnc: crypto.encrypt(opts.reason),
        referredBy: actor.id,
        followUpOn: opts.followUpOn,
      })
      .returning({ id: medicalReferrals.id });
    await tx
      .update(counsellingServices)
      .set({ status: 'referred_out' })
      .where(and(eq(counsellingServices.districtCode, actor.districtCode), eq(counsellingServices.id, service.id)));
    return row!;
  });
}

export async function recordReferralFollowUp(opts: { db: Db; crypto: PersonalDataCrypto; actor: Actor; id: string; note: string }) {
  const { db, crypto, actor } = opts;
  requireCounsellor(actor);
  const [row] = await db
    .update(medicalReferrals)
    .set({ followUpEnc: crypto.encrypt(opts.note), followedUpAt: new Date() })
    .where(
      and(eq(medicalReferrals.districtCode, actor.districtCode), eq(medicalReferrals.id, opts.id), isNull(medicalReferrals.followedUpAt)),
    )
    .returning({ id: medicalReferrals.id });
  if (!row) throw new AppError('REFERRAL_NOT_FOUND');
}

export async function listReferrals(db: Db, actor: Actor, serviceId: string) {
  requireCounsellor(actor);
  const rows = await db
    .select()
    .from(medicalReferrals)
    .where(and(eq(medicalReferrals.districtCode, actor.districtCode), eq(medicalReferrals.serviceId, serviceId)))
    .orderBy(asc(medicalReferrals.referredAt));
  return rows.map((r) => ({
    id: r.id,
    institution: r.institution,
    referredAt: r.referredAt.toISOString(),
    followUpOn: r.followUpOn,
    followedUpAt: r.followedUpAt?.toISOString() ?? null,
  }));
}
