import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { isValidSignature } from '../../lib/hmac-signature.js';
import { buildCaseBody } from '../cases/cases.factory.js';
import { dispatchOutbox } from '../notifications/outbox.js';

// Own database: these tests run the outbox dispatcher, which would otherwise send other files' messages.
let ctx: TestContext;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  ctx = await startTestApp({ isolated: true });
  for (const u of ['admin', 'dispatcher', 'reception']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

async function createClient(input: Record<string, unknown>) {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/admin/api-clients', headers: { cookie: cookies.admin! }, payload: input });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { client: { id: string; keyPrefix: string }; apiKey: string; signingSecret: string };
}

const transfer = (apiKey: string, body: Record<string, unknown>) =>
  ctx.app.inject({ method: 'POST', url: '/api/transfer/cases', headers: { authorization: `Bearer ${apiKey}` }, payload: body });

// One body per reference: the sender sends the same content again.
const bodies = new Map<string, ReturnType<typeof buildCaseBody>>();
const hotlineBody = (externalRef: string, overrides: Record<string, unknown> = {}) => {
  if (!bodies.has(externalRef)) bodies.set(externalRef, buildCaseBody({ channel: 'phone', summary: `12345转办 ${externalRef}` }));
  return { ...bodies.get(externalRef)!, externalRef, ...overrides };
};

async function countByRef(ref: string) {
  const { rows } = await ctx.database.pool.query('select count(*)::int as n from cases where external_ref = $1', [ref]);
  return rows[0].n as number;
}

describe('API clients (admin)', () => {
  it('issues a key shown once, keeps only its hash, and refuses non-admins', async () => {
    const created = await createClient({ name: '12345政务服务便民热线', channels: ['phone', 'transfer'] });
    expect(created.apiKey).toMatch(/^fq_[\w-]{43}$/);
    expect(created.apiKey.startsWith(created.client.keyPrefix)).toBe(true);
    const { rows } = await ctx.database.pool.query('select key_hash, signing_secret_enc from api_clients where id = $1', [
      created.client.id,
    ]);
    expect(rows[0].key_hash).not.toContain(created.apiKey);
    expect(rows[0].signing_secret_enc.toString('utf8')).not.toContain(created.signingSecret);
    const list = await ctx.app.inject({ method: 'GET', url: '/api/admin/api-clients', headers: { cookie: cookies.admin! } });
    expect(list.body).not.toContain(created.apiKey);
    const refused = await ctx.app.inject({ method: 'GET', url: '/api/admin/api-clients', headers: { cookie: cookies.dispatcher! } });
    expect(refused.statusCode).toBe(403);
  });

  it('a system account cannot sign in', async () => {
    const { rows } = await ctx.database.pool.query(`select username from users where is_system limit 1`);
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: rows[0].username, password: '!' } });
    expect(res.statusCode).toBe(401);
  });
});

describe('transfer API', () => {
  let hotline: Awaited<ReturnType<typeof createClient>>;
  beforeAll(async () => {
    hotline = await createClient({ name: '12345热线', channels: ['phone'] });
  });

  it('files a case once per sender reference, even when sent concurrently', async () => {
    const ref = `12345-${randomUUID()}`;
    const first = await transfer(hotline.apiKey, hotlineBody(ref));
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ externalRef: ref, status: 'registered' });
    expect(first.json().dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const again = await transfer(hotline.apiKey, hotlineBody(ref));
    expect(again.statusCode).toBe(200);
    expect(again.json().code).toBe(first.json().code);

    const ref2 = `12345-${randomUUID()}`;
    const burst = await Promise.all(Array.from({ length: 8 }, () => transfer(hotline.apiKey, hotlineBody(ref2))));
    expect(burst.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(burst.map((r) => r.json().code)).size).toBe(1);
    expect(await countByRef(ref)).toBe(1);
    expect(await countByRef(ref2)).toBe(1);
  });

  it('answers every one of many concurrent repeats of a reference with the one case, never an error', async () => {
    // Two batches in flight can hold the same reference: the second's insert then meets the first's row in the
    // reference's own unique index (23505 before register-case.ts retried it: 14 of 1,200 such transfers answered 500).
    const answers: number[] = [];
    for (let round = 0; round < 60; round++) {
      const ref = `12345-${randomUUID()}`;
      const burst = await Promise.all(Array.from({ length: 8 }, () => transfer(hotline.apiKey, hotlineBody(ref))));
      answers.push(...burst.map((r) => r.statusCode));
      expect(new Set(burst.map((r) => r.json().code)).size).toBe(1);
      expect(await countByRef(ref)).toBe(1);
    }
    expect(answers.filter((s) => s === 201)).toHaveLength(60);
    expect(answers.filter((s) => s !== 200 && s !== 201)).toEqual([]);
  });

  it('refuses the same reference with different content, a channel outside the key’s scope, and bad keys', async () => {
    const ref = `12345-${randomUUID()}`;
    expect((await transfer(hotline.apiKey, hotlineBody(ref))).statusCode).toBe(201);
    const changed = await transfer(hotline.apiKey, hotlineBody(ref, { summary: '另一件事' }));
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toMatchObject({ code: 'EXTERNAL_REF_CONFLICT', message: expect.stringContaining('外部编号') });

    const walkIn = await transfer(hotline.apiKey, hotlineBody(`x-${randomUUID()}`, { channel: 'walk_in' }));
    expect(walkIn.statusCode).toBe(403);
    expect(walkIn.json().code).toBe('API_CHANNEL_NOT_ALLOWED');

    const bad = await transfer('fq_not-a-real-key', hotlineBody(`x-${randomUUID()}`));
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('API_KEY_INVALID');
    const none = await ctx.app.inject({ method: 'POST', url: '/api/transfer/cases', payload: hotlineBody(`x-${randomUUID()}`) });
    expect(none.statusCode).toBe(401);
  });

  it('bad input changes nothing', async () => {
    const ref = `12345-${randomUUID()}`;
    const res = await transfer(hotline.apiKey, hotlineBody(ref, { peopleInvolved: 0 }));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(await countByRef(ref)).toBe(0);
  });

  it('a revoked key stops working at once; a rotated key replaces the old one', async () => {
    const court = await createClient({ name: '人民法院诉前调解', channels: ['transfer'] });
    const body = () => hotlineBody(`court-${randomUUID()}`, { channel: 'transfer' });
    expect((await transfer(court.apiKey, body())).statusCode).toBe(201);
    const rotated = await ctx.app.inject({
      method: 'POST',
      url: `/api/admin/api-clients/${court.client.id}/rotate`,
      headers: { cookie: cookies.admin! },
    });
    expect(rotated.statusCode).toBe(200);
    const newKey = rotated.json().apiKey as string;
    expect((await transfer(court.apiKey, body())).statusCode).toBe(401);
    expect((await transfer(newKey, body())).statusCode).toBe(201);
    await ctx.app.inject({ method: 'POST', url: `/api/admin/api-clients/${court.client.id}/revoke`, headers: { cookie: cookies.admin! } });
    expect((await transfer(newKey, body())).statusCode).toBe(401);
  });

  it('tells the sender the status of its case by its own reference', async () => {
    const ref = `12345-${randomUUID()}`;
    await transfer(hotline.apiKey, hotlineBody(ref));
    const res = await ctx.app.inject({ method: 'GET', url: `/api/transfer/cases/${ref}`, headers: { 'x-api-key': hotline.apiKey } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ externalRef: ref, status: 'registered' });
    const other = await createClient({ name: '110非警务警情', channels: ['phone'] });
    const notTheirs = await ctx.app.inject({ method: 'GET', url: `/api/transfer/cases/${ref}`, headers: { 'x-api-key': other.apiKey } });
    expect(notTheirs.statusCode).toBe(404);
  });
});

describe('status callbacks', () => {
  let server: Server;
  let url = '';
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  let failuresToGive = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (failuresToGive > 0) {
          failuresToGive--;
          res.writeHead(503).end();
          return;
        }
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const dispatch = () => dispatchOutbox({ db: ctx.database.db, sms: ctx.sms, crypto: ctx.app.deps.crypto });

  it('posts each status change to the sender, signed, and retries a failure after a back-off', async () => {
    const client = await createClient({ name: '信访局转送', channels: ['transfer'], callbackUrl: url });
    const ref = `xf-${randomUUID()}`;
    const filed = await transfer(client.apiKey, hotlineBody(ref, { channel: 'transfer' }));
    const { rows } = await ctx.database.pool.query('select id from cases where external_ref = $1', [ref]);
    const caseId = rows[0].id as string;

    failuresToGive = 1;
    await actOnCaseOk(ctx.app, { cookie: cookies.dispatcher!, readerCookie: cookies.dispatcher! }, caseId, { action: 'accept' });
    await dispatch();
    expect(received).toHaveLength(0);
    const waiting = await ctx.database.pool.query(
      `select attempts, last_error, next_attempt_at > now() as backing_off from outbox where case_id = $1 and channel = 'webhook'`,
      [caseId],
    );
    expect(waiting.rows[0]).toMatchObject({ attempts: 1, backing_off: true, last_error: 'webhook answered 503' });
    // Still backing off: nothing is sent.
    await dispatch();
    expect(received).toHaveLength(0);
    // Time passes (the back-off ends): the next run delivers.
    await ctx.database.pool.query(`update outbox set next_attempt_at = now() where case_id = $1`, [caseId]);
    await dispatch();
    expect(received).toHaveLength(1);
    const [delivery] = received;
    const payload = JSON.parse(delivery!.body);
    expect(payload).toMatchObject({
      event: 'case.status_changed',
      caseCode: filed.json().code,
      externalRef: ref,
      status: 'accepted',
      action: 'accept',
    });
    expect(
      isValidSignature({
        secret: client.signingSecret,
        timestamp: delivery!.headers['x-fengqiao-timestamp'] as string,
        signature: delivery!.headers['x-fengqiao-signature'] as string,
        body: delivery!.body,
      }),
    ).toBe(true);
    expect(
      isValidSignature({
        secret: 'wrong',
        timestamp: delivery!.headers['x-fengqiao-timestamp'] as string,
        signature: delivery!.headers['x-fengqiao-signature'] as string,
        body: delivery!.body,
      }),
    ).toBe(false);
    // Sent once: later runs do not send it again.
    await dispatch();
    expect(received).toHaveLength(1);
  });
});
