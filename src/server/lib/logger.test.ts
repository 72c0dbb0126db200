import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCaseBody } from '../modules/cases/cases.factory.js';
import { signIn, startTestApp, type TestContext } from '../../../test/support/app.js';
import { createLogger, lazyChildLogger, loggableUrl, serializeError } from './logger.js';

let ctx: TestContext;
let logged = '';
const cookies: Record<string, string> = {};

beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logged += String(chunk);
      done();
    },
  });
  // The most talkative level: whatever any line of the app would write, this test reads.
  ctx = await startTestApp({ logger: createLogger({ level: 'trace', stream }) });
  for (const u of ['reception', 'dispatcher', 'admin']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

describe('personal data never reaches the log', () => {
  it('through a day of intake, lookups, reveals, searches, refusals and a failed query', async () => {
    const body = buildCaseBody();
    const applicant = body.parties[0]!;
    const idNumber = applicant.idNumber!;
    const phone = applicant.phone!;
    const as = (who: string) => ({ cookie: cookies[who]!, 'idempotency-key': crypto.randomUUID() });

    const created = await ctx.app.inject({ method: 'POST', url: '/api/cases', headers: as('reception'), payload: body });
    expect(created.statusCode, created.body).toBe(201);
    const party = created.json().parties[0];
    await ctx.app.inject({ method: 'POST', url: '/api/persons/lookup', headers: as('reception'), payload: { idNumber, phone } });
    await ctx.app.inject({
      method: 'POST',
      url: '/api/cases/related-preview',
      headers: as('reception'),
      payload: { parties: [{ idNumber, phone, name: applicant.name }] },
    });
    for (const field of ['idNumber', 'phone']) {
      const revealed = await ctx.app.inject({
        method: 'POST',
        url: `/api/cases/${created.json().id}/parties/${party.id}/reveal`,
        headers: as('dispatcher'),
        payload: { field, purpose: '电话回访核对身份' },
      });
      expect(revealed.statusCode, revealed.body).toBe(200);
    }
    // A search for a phone and an ID in the query string: the request line keeps `q=…` only.
    await ctx.app.inject({ method: 'GET', url: `/api/cases?q=${phone}&page=1`, headers: as('dispatcher') });
    await ctx.app.inject({ method: 'GET', url: `/api/cases/export.xlsx?q=${idNumber}&withParties=true`, headers: as('dispatcher') });
    // Refusals that quote what they were sent: a body that is not JSON, an ID with a wrong check digit.
    await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { ...as('reception'), 'content-type': 'application/json' },
      payload: `{"idNumber":"${idNumber}","phone":"${phone}"`,
    });
    await ctx.app.inject({
      method: 'POST',
      url: '/api/persons/lookup',
      headers: as('reception'),
      payload: { idNumber: `${idNumber.slice(0, 17)}${idNumber.endsWith('0') ? '1' : '0'}` },
    });
    // A phone typed into the user name field.
    await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: phone, password: 'wrong-password' } });
    // The resident's progress page, by tracking token in the path.
    await ctx.app.inject({ method: 'GET', url: `/api/public/progress/${created.json().trackingToken}` });
    // A failed query whose parameters are the personal data: drizzle's error message carries them.
    const failed = await ctx.database.db.execute(sql`select ${phone}::int, ${idNumber}::int`).catch((err: unknown) => err);
    expect(String((failed as Error).message)).toContain(phone);
    ctx.app.log.error({ err: failed }, 'a query failed');

    expect(logged).toContain('incoming request');
    expect(logged).toMatch(/"requestId":"[^"]+".*"msg":"incoming request"/);
    expect(logged).toContain('Failed query: select $1::int, $2::int');
    for (const secret of [idNumber, phone, `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`, created.json().trackingToken]) {
      expect(logged, `the log holds ${secret}`).not.toContain(secret);
    }
  });
});

/** A logger at `warn` writing into memory, and the lines it wrote so far (parsed). */
function warnLogger() {
  let out = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      out += String(chunk);
      done();
    },
  });
  const lines = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { parent: createLogger({ level: 'warn', stream }), lines };
}

describe('a request’s logger', () => {
  it('writes nothing below its level, and at its level the request id with the censoring of the parent', () => {
    const { parent, lines } = warnLogger();
    const log = lazyChildLogger(parent, { requestId: 'req-1' });
    log.info({ token: 'T0KEN' }, 'not at this level');
    log.debug('nor this');
    expect(lines()).toEqual([]);
    log.warn({ token: 'T0KEN' }, 'slow answer');
    log.error('failed');
    expect(lines().map((l) => [l.requestId, l.msg, l.token])).toEqual([
      ['req-1', 'slow answer', '[redacted]'],
      ['req-1', 'failed', undefined],
    ]);
    expect(log.child({ step: 'x' }).bindings()).toMatchObject({ requestId: 'req-1', step: 'x' });
  });

  it('makes no pino child until a line is written, its own children included, and then writes both bindings', () => {
    const { parent, lines } = warnLogger();
    const made = vi.spyOn(parent, 'child');
    const log = lazyChildLogger(parent, { requestId: 'req-2' }).child({ userId: 'u-1' });
    log.info('dropped');
    expect(made).not.toHaveBeenCalled();
    log.warn('kept');
    expect(made).toHaveBeenCalledTimes(1);
    // A level set on it holds for it alone.
    log.level = 'info';
    log.info('now written');
    expect(parent.isLevelEnabled('info')).toBe(false);
    expect(lines().map((l) => [l.requestId, l.userId, l.msg])).toEqual([
      ['req-2', 'u-1', 'kept'],
      ['req-2', 'u-1', 'now written'],
    ]);
  });
});

describe('what a log line may hold', () => {
  it('keeps paths and harmless query values, masks other values and residents’ tokens', () => {
    expect(loggableUrl('/api/cases?q=%E5%BC%A0%E4%B8%89&page=2&pageSize=20')).toBe('/api/cases?q=…&page=2&pageSize=20');
    expect(loggableUrl('/api/public/progress/AB12CD34?x=1')).toBe('/api/public/progress/***?x=…');
    expect(loggableUrl('/open311/v2/tokens/AB12CD34.json')).toBe('/open311/v2/tokens/***.json');
  });

  it('logs a database error by its code and constraint, never its detail or quoted values', () => {
    const pgError = Object.assign(new Error('invalid input syntax for type integer: "13812345678"'), {
      code: '22P02',
      severity: 'ERROR',
      detail: 'Key (phone)=(13812345678) already exists.',
    });
    const out = serializeError(
      Object.assign(new Error('Failed query: select $1\nparams: 13812345678'), {
        query: 'select $1',
        params: ['13812345678'],
        cause: pgError,
      }),
    );
    expect(out).toMatchObject({ message: 'Failed query: select $1', cause: { code: '22P02', severity: 'ERROR' } });
    expect(JSON.stringify(out)).not.toContain('13812345678');
  });
});
