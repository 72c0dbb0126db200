import { randomInt } from 'node:crypto';
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { phoneVerifications } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import { AppError } from '../../plugins/errors.js';
import type { SmsGateway } from './sms-gateway.js';

/**
 * SMS codes to a phone, with one set of limits for every door that asks for one (the portal, the links of online
 * mediation): a 6-digit code valid ten minutes, five tries, one code a minute and five an hour per phone. The code is
 * kept as its keyed hash and the phone encrypted (个人信息保护法 Art.51).
 */
export const PHONE_CODE_LIMITS = {
  ttlMs: 10 * 60_000,
  maxTries: 5,
  resendAfterSeconds: 60,
  perPhonePerHour: 5,
} as const;

/** Sends a code to `phone`; refused with VERIFICATION_TOO_FREQUENT past the per-phone limits. */
export async function issuePhoneCode(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  sms: SmsGateway;
  districtCode: string;
  phone: string;
  ip: string;
}): Promise<{ verificationId: string; expiresAt: string; resendAfterSeconds: number; code: string }> {
  const { db, crypto, sms, districtCode, phone, ip } = opts;
  const phoneHash = crypto.lookupHash(phone);
  const recent = await db
    .select({ createdAt: phoneVerifications.createdAt })
    .from(phoneVerifications)
    .where(
      and(
        eq(phoneVerifications.districtCode, districtCode),
        eq(phoneVerifications.phoneHash, phoneHash),
        gt(phoneVerifications.createdAt, sql`now() - interval '1 hour'`),
      ),
    )
    .orderBy(desc(phoneVerifications.createdAt));
  if (
    recent.length >= PHONE_CODE_LIMITS.perPhonePerHour ||
    (recent[0] && Date.now() - recent[0].createdAt.getTime() < PHONE_CODE_LIMITS.resendAfterSeconds * 1000)
  ) {
    throw new AppError('VERIFICATION_TOO_FREQUENT', { resendAfterSeconds: PHONE_CODE_LIMITS.resendAfterSeconds });
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(Date.now() + PHONE_CODE_LIMITS.ttlMs);
  const [row] = await db
    .insert(phoneVerifications)
    .values({ districtCode, phoneHash, phoneEnc: crypto.encrypt(phone), codeHash: crypto.lookupHash(`code:${code}`), expiresAt, ip })
    .returning({ id: phoneVerifications.id });
  try {
    await sms.send({
      to: phone,
      text: `【平安建设促进中心】您的验证码为 ${code}，10分钟内有效。如非本人操作请忽略。`,
      dedupeKey: `verify:${row!.id}`,
    });
  } catch {
    throw new AppError('SMS_SEND_FAILED');
  }
  return { verificationId: row!.id, expiresAt: expiresAt.toISOString(), resendAfterSeconds: PHONE_CODE_LIMITS.resendAfterSeconds, code };
}

/**
 * Checks a code (each check is a try, five at most, within its ten minutes) and marks it used: a code proves the phone
 * once. Answers the verified row, or VERIFICATION_CODE_INVALID.
 */
export async function checkPhoneCode(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  districtCode: string;
  verificationId: string;
  code: string;
}) {
  const { db, crypto, districtCode, verificationId, code } = opts;
  const [row] = await db
    .update(phoneVerifications)
    .set({ attempts: sql`${phoneVerifications.attempts} + 1` })
    .where(
      and(
        eq(phoneVerifications.districtCode, districtCode),
        eq(phoneVerifications.id, verificationId),
        isNull(phoneVerifications.verifiedAt),
        gt(phoneVerifications.expiresAt, sql`now()`),
        sql`${phoneVerifications.attempts} < ${PHONE_CODE_LIMITS.maxTries}`,
      ),
    )
    .returning();
  if (!row || row.codeHash !== crypto.lookupHash(`code:${code}`)) throw new AppError('VERIFICATION_CODE_INVALID');
  const verifiedAt = new Date();
  await db
    .update(phoneVerifications)
    .set({ verifiedAt })
    .where(and(eq(phoneVerifications.districtCode, districtCode), eq(phoneVerifications.id, row.id)));
  return { ...row, verifiedAt };
}
