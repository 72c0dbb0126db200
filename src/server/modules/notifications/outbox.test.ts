import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingSmsGateway, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { dispatchOutbox, enqueue } from './outbox.js';

let ctx: TestContext;
// A database of its own: dispatching sends every queued message, not only this file's.
beforeAll(async () => {
  ctx = await startTestApp({ isolated: true });
});
afterAll(() => ctx.close());

describe('text messages', () => {
  it('go to mobiles only: a fixed line given as a party’s phone is not texted, and not retried', async () => {
    const sms = new RecordingSmsGateway();
    const message = (phone: string) => ({
      districtCode: '410871',
      dedupeKey: `test-${randomUUID()}`,
      channel: 'sms' as const,
      recipientPhoneEnc: ctx.app.deps.crypto.encrypt(phone),
      title: '调解通知',
      body: '请按时参加调解',
    });
    const landline = message('0391-1234567-801');
    await enqueue(ctx.database.db, [landline, message('13812345678')]);
    for (let i = 0; i < 3; i++) await dispatchOutbox({ db: ctx.database.db, sms, crypto: ctx.app.deps.crypto });
    expect(sms.sent.map((s) => s.to)).toEqual(['13812345678']);
    const { rows } = await ctx.database.pool.query('select sent_at, attempts, last_error from outbox where dedupe_key = $1', [
      landline.dedupeKey,
    ]);
    expect(rows[0]).toMatchObject({ sent_at: null, attempts: 5, last_error: expect.stringContaining('not a mobile') });
  });
});
