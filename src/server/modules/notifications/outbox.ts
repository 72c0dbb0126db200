import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { notifications, outbox } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { SmsGateway } from './sms-gateway.js';

export interface OutboxMessage {
  districtCode: string;
  dedupeKey: string;
  channel: 'in_app' | 'sms';
  recipientUserId?: string | null;
  /** SMS only: already encrypted with the personal-data key. */
  recipientPhoneEnc?: Buffer | null;
  caseId?: string | null;
  title: string;
  body: string;
}

/** Queues messages in the caller's transaction; a message whose key exists already is not queued again. */
export async function enqueue(tx: Tx | Db, messages: OutboxMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const inserted = await tx
    .insert(outbox)
    .values(messages.map((m) => ({ ...m, recipientUserId: m.recipientUserId ?? null, recipientPhoneEnc: m.recipientPhoneEnc ?? null, caseId: m.caseId ?? null })))
    .onConflictDoNothing({ target: [outbox.districtCode, outbox.dedupeKey] })
    .returning({ id: outbox.id });
  return inserted.length;
}

/**
 * Sends what is queued. A batch is claimed first (skip locked, so instances share the work) and a claimed message is
 * never claimed again: each is sent at most once. A driver error before sending releases it for a later try.
 */
export async function dispatchOutbox(opts: { db: Db; sms: SmsGateway; crypto: PersonalDataCrypto; batchSize?: number }): Promise<number> {
  const { db, sms, crypto } = opts;
  const claimed = await db.execute<{ district_code: string; id: string }>(sql`
    update outbox set claimed_at = now(), attempts = attempts + 1
    where (district_code, id) in (
      select district_code, id from outbox where sent_at is null and claimed_at is null and attempts < 5
      order by created_at limit ${opts.batchSize ?? 100} for update skip locked)
    returning district_code, id`);
  let sent = 0;
  for (const { district_code: d, id } of claimed.rows) {
    const [m] = await db.select().from(outbox).where(and(eq(outbox.districtCode, d), eq(outbox.id, id)));
    if (!m) continue;
    try {
      if (m.channel === 'in_app') {
        if (m.recipientUserId) {
          await db
            .insert(notifications)
            .values({ districtCode: d, userId: m.recipientUserId, outboxId: m.id, caseId: m.caseId, title: m.title, body: m.body })
            .onConflictDoNothing();
        }
      } else {
        if (!m.recipientPhoneEnc) throw new Error('sms without a phone number');
        await sms.send({ to: crypto.decrypt(m.recipientPhoneEnc), text: `${m.title}：${m.body}`, dedupeKey: m.dedupeKey });
      }
      await db.update(outbox).set({ sentAt: new Date(), lastError: null }).where(and(eq(outbox.districtCode, d), eq(outbox.id, id)));
      sent++;
    } catch (err) {
      await db
        .update(outbox)
        .set({ claimedAt: null, lastError: String((err as Error).message ?? err).slice(0, 500) })
        .where(and(eq(outbox.districtCode, d), eq(outbox.id, id)));
    }
  }
  return sent;
}
