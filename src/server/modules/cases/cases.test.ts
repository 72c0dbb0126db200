import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseNow, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { shanghaiDate } from '../../../shared/calendar.js';
import { buildCaseBody, SAMPLE_APPLICANT } from './cases.factory.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  ctx = await startTestApp();
  for (const u of ['reception', 'dispatcher', 'mediator', 'mediator2', 'leader', 'grid', 'handler', 'admin']) {
    cookies[u] = await signIn(ctx.app, u);
  }
});
afterAll(() => ctx.close());

async function createCase(body: unknown = buildCaseBody(), key = randomUUID(), who = 'reception') {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: cookies[who]!, 'idempotency-key': key },
    payload: body as object,
  });
}

const act = (who: string, id: string, body: Record<string, unknown>) =>
  actOnCaseNow(ctx.app, { cookie: cookies[who]!, readerCookie: cookies.admin! }, id, body);

async function unitIdOf(code: string): Promise<string> {
  const res = await ctx.app.inject({ method: 'GET', url: '/api/units', headers: { cookie: cookies.admin! } });
  return (res.json().items as { id: string; code: string }[]).find((u) => u.code === code)!.id;
}

/** Cases with this summary: other test files create cases at the same time, so never count the whole table. */
async function countBySummary(summary: string): Promise<number> {
  const { rows } = await ctx.database.pool.query('select count(*)::int as n from cases where summary = $1', [summary]);
  return rows[0].n;
}

const uniqueSummary = () => `幂等测试 ${randomUUID()}`;

describe('createCase', () => {
  it('registers a case with a readable code and an unguessable tracking token', async () => {
    const res = await createCase();
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c.status).toBe('registered');
    expect(c.version).toBe(1);
    // Case codes count per Shanghai year (register-case.ts).
    expect(c.code).toMatch(new RegExp(`^410871-${shanghaiDate(new Date()).slice(0, 4)}-\\d{6}$`));
    expect(c.trackingToken).toMatch(/^[0-9A-Z]{20}$/);
    expect(c.timeline).toHaveLength(1);
    expect(c.timeline[0]).toMatchObject({ action: 'register', toStatus: 'registered', actorName: '李娜' });
    expect(c.unit.code).toBe('410871061001');
  });

  it('masks ID number, phone and address in the response', async () => {
    const c = (await createCase(buildCaseBody({ parties: [SAMPLE_APPLICANT] }))).json();
    const applicant = c.parties.find((p: { role: string }) => p.role === 'applicant');
    expect(applicant.idNumber).toBe('110105********002X');
    expect(applicant.phone).toBe('138****5678');
    expect(applicant.address).toBe('文苑街道东方***');
    expect(JSON.stringify(c)).not.toContain('11010519491231002X');
    expect(JSON.stringify(c)).not.toContain('13812345678');
  });

  it('stores no plaintext ID number, phone or address in the raw tables', async () => {
    const idNumber = '410871198506123019';
    const c = (
      await createCase(
        buildCaseBody({
          parties: [{ role: 'applicant', type: 'person', name: '钱七', idNumber, phone: '13698765432', address: '阳庙镇杨庄村五组' }],
        }),
      )
    ).json();
    const { rows } = await ctx.database.pool.query(
      `select p.*, p::text as raw from persons p join case_parties cp on cp.person_id = p.id where cp.case_id = $1`,
      [c.id],
    );
    expect(rows).toHaveLength(1);
    const raw = rows[0].raw as string;
    for (const plain of [idNumber, '13698765432', '杨庄村五组']) expect(raw).not.toContain(plain);
    expect(Buffer.isBuffer(rows[0].id_number_enc)).toBe(true);
    expect(rows[0].id_number_enc.includes(Buffer.from(idNumber))).toBe(false);
    expect(rows[0].id_number_hash).toMatch(/^[0-9a-f]{64}$/);
    // A whole-database text search finds no plaintext either.
    const dump = await ctx.database.pool.query(`select count(*)::int as n from persons p where p::text like '%13698765432%'`);
    expect(dump.rows[0].n).toBe(0);
  });

  it('keeps names beyond the Basic Multilingual Plane intact', async () => {
    const c = (await createCase(buildCaseBody({ parties: [{ role: 'applicant', type: 'person', name: '𠈌小龙' }] }))).json();
    expect(c.parties[0].name).toBe('𠈌小龙');
  });

  it('returns the first case for a repeated Idempotency-Key and creates nothing', async () => {
    const key = randomUUID();
    const summary = uniqueSummary();
    const body = buildCaseBody({ summary });
    const first = await createCase(body, key);
    const again = await createCase(body, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    expect(await countBySummary(summary)).toBe(1);
  });

  it('creates exactly one case when the same submission arrives ten times at once', async () => {
    const key = randomUUID();
    const summary = uniqueSummary();
    const body = buildCaseBody({ summary });
    const results = await Promise.all(Array.from({ length: 10 }, () => createCase(body, key)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    expect(await countBySummary(summary)).toBe(1);
  });

  it('refuses a reused key with a different body', async () => {
    const key = randomUUID();
    await createCase(buildCaseBody(), key);
    const res = await createCase(buildCaseBody({ summary: '另一件事' }), key);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('requires an Idempotency-Key', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception! },
      payload: buildCaseBody(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it.each([
    ['a wrong ID check digit', { idNumber: '110105194912310021' }, 'ID_NUMBER_INVALID'],
    ['a bad phone', { phone: '12345' }, 'PHONE_INVALID'],
  ])('refuses %s with a Chinese message and changes nothing', async (_label, party, code) => {
    const summary = uniqueSummary();
    const res = await createCase(buildCaseBody({ summary, parties: [{ role: 'applicant', type: 'person', name: '张三', ...party }] }));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(code);
    expect(res.json().message).toMatch(/[\u4e00-\u9fff]/);
    expect(await countBySummary(summary)).toBe(0);
  });

  it('refuses an unknown category', async () => {
    const res = await createCase({ ...buildCaseBody(), category: 'gossip' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });

  it('requires sign-in', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { 'idempotency-key': randomUUID() },
      payload: buildCaseBody(),
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('AUTH_REQUIRED');
  });

  it('refuses a place outside the registering user’s jurisdiction', async () => {
    const res = await createCase(buildCaseBody({ place: { address: '李万街道', unitCode: '410871060001' } }), randomUUID(), 'grid');
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('UNIT_OUTSIDE_JURISDICTION');
  });
});

describe('the life of a case through the API', () => {
  it('goes from registration to the archive, with a timeline row for every step', async () => {
    const sfs = await unitIdOf('410871061-SFS');
    const pcs = await unitIdOf('410871061-PCS');
    const c = (await createCase()).json();
    expect((await act('reception', c.id, { action: 'accept' })).json().status).toBe('accepted');
    const dispatched = await act('dispatcher', c.id, { action: 'dispatch', leadUnitId: sfs, coUnitIds: [pcs] });
    expect(dispatched.json()).toMatchObject({
      status: 'dispatched',
      leadUnit: { code: '410871061-SFS' },
      coUnits: [{ code: '410871061-PCS' }],
    });
    // The mediator of that 司法所 now sees it and may start it.
    const seen = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: cookies.mediator! } });
    expect(seen.json().allowedActions).toEqual(expect.arrayContaining(['start', 'note', 'return']));
    expect(seen.json().allowedActions).not.toContain('dispatch');
    expect((await act('mediator', c.id, { action: 'start' })).json()).toMatchObject({
      status: 'in_progress',
      handler: { name: expect.stringContaining('赵敏') },
    });
    expect((await act('mediator', c.id, { action: 'note', note: '双方到场调解' })).json().status).toBe('in_progress');
    expect((await act('mediator', c.id, { action: 'conclude' })).json().code).toBe('OUTCOME_REQUIRED');
    expect((await act('mediator', c.id, { action: 'conclude', outcome: 'agreement', note: '达成协议' })).json().status).toBe('concluded');
    expect((await act('reception', c.id, { action: 'follow_up', satisfaction: 'satisfied' })).json().status).toBe('followed_up');
    const archived = (await act('dispatcher', c.id, { action: 'archive' })).json();
    expect(archived.status).toBe('archived');
    expect(archived.allowedActions).toEqual([]);
    expect(archived.timeline.map((e: { action: string }) => e.action)).toEqual([
      'register',
      'accept',
      'dispatch',
      'start',
      'note',
      'conclude',
      'follow_up',
      'archive',
    ]);
    expect(archived.timeline.every((e: { actorName: string | null }) => e.actorName)).toBe(true);
    expect(archived.version).toBe(8);
  });

  it('answers every step with the case exactly as a fresh read then shows it (the answer comes from the change itself)', async () => {
    const sfs = await unitIdOf('410871061-SFS');
    const pcs = await unitIdOf('410871061-PCS');
    const c = (await createCase()).json();
    const steps: [string, Record<string, unknown>][] = [
      ['reception', { action: 'accept' }],
      ['dispatcher', { action: 'dispatch', leadUnitId: sfs, coUnitIds: [pcs] }],
      ['mediator', { action: 'start' }],
      ['mediator', { action: 'note', note: '双方到场' }],
      ['mediator', { action: 'conclude', outcome: 'agreement', note: '达成协议' }],
      ['reception', { action: 'follow_up', satisfaction: 'dissatisfied', note: '赔偿未到位' }],
    ];
    for (const [who, body] of steps) {
      const answer = await act(who, c.id, body);
      expect(answer.statusCode, answer.body).toBe(200);
      const read = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: cookies[who]! } });
      expect(answer.json(), String(body.action)).toEqual(read.json());
    }
    const last = (await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: cookies.admin! } })).json();
    // The steps moved clocks (acceptance stopped, handling and objection started, handling stopped and started again).
    expect(last.clocks.length).toBeGreaterThanOrEqual(3);
    expect(last.timeline.map((e: { action: string }) => e.action).slice(-2)).toEqual(['follow_up', 'reopen']);
  });

  it('reopens on 不满意 at follow-up', async () => {
    const sfs = await unitIdOf('410871061-SFS');
    const c = (await createCase()).json();
    await act('reception', c.id, { action: 'accept' });
    await act('dispatcher', c.id, { action: 'dispatch', leadUnitId: sfs });
    await act('mediator', c.id, { action: 'start' });
    await act('mediator', c.id, { action: 'conclude', outcome: 'no_agreement', note: '调解不成，引导诉讼' });
    // Without the reason it is refused: the reason is what the reopened case works on.
    const noReason = (await act('reception', c.id, { action: 'follow_up', satisfaction: 'dissatisfied' })).json();
    expect(noReason.code).toBe('DISSATISFACTION_REASON_REQUIRED');
    const res = (
      await act('reception', c.id, { action: 'follow_up', satisfaction: 'dissatisfied', followUpMethod: 'visit', note: '对方仍未支付工资' })
    ).json();
    expect(res.status).toBe('in_progress');
    expect(res.satisfaction).toBe('dissatisfied');
    expect(res.timeline.slice(-2).map((e: { action: string }) => e.action)).toEqual(['follow_up', 'reopen']);
    expect(res.timeline.at(-2)).toMatchObject({ reason: '对方仍未支付工资', data: { satisfaction: 'dissatisfied', method: 'visit' } });
  });

  it('returns to dispatch with a reason, and refuses a return without one', async () => {
    const labour = await unitIdOf('410871-RSJ-LDJC');
    const c = (await createCase()).json();
    await act('reception', c.id, { action: 'accept' });
    await act('dispatcher', c.id, { action: 'dispatch', leadUnitId: labour });
    expect((await act('handler', c.id, { action: 'return' })).json().code).toBe('REASON_REQUIRED');
    const back = (await act('handler', c.id, { action: 'return', reason: '不属于劳动争议' })).json();
    expect(back).toMatchObject({ status: 'accepted', leadUnit: null });
    // Once returned, the department no longer sees the case.
    const gone = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: cookies.handler! } });
    expect(gone.statusCode).toBe(404);
  });

  it('rejects with a reason and escalates with a reason', async () => {
    const c1 = (await createCase()).json();
    expect((await act('reception', c1.id, { action: 'reject', reason: '不属于受理范围' })).json()).toMatchObject({
      status: 'rejected',
      rejectReason: '不属于受理范围',
    });
    const c2 = (await createCase()).json();
    expect((await act('dispatcher', c2.id, { action: 'escalate', reason: '涉及跨区' })).json().status).toBe('escalated');
  });

  it('refuses a transition the table does not allow, with a stable code', async () => {
    const c = (await createCase()).json();
    const res = await act('dispatcher', c.id, { action: 'archive' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CASE_TRANSITION_NOT_ALLOWED');
  });

  it('refuses an action the role may not take', async () => {
    const c = (await createCase()).json();
    const res = await act('reception', c.id, { action: 'escalate', reason: 'x' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('CASE_ACTION_FORBIDDEN');
  });
});

describe('two people acting at once', () => {
  it('lets one win and gives the other 409 CASE_VERSION_CONFLICT', async () => {
    const c = (await createCase()).json();
    const send = (who: string, action: string, extra: Record<string, unknown> = {}) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/cases/${c.id}/actions`,
        headers: { cookie: cookies[who]! },
        payload: { action, expectedVersion: 1, ...extra },
      });
    const [a, b] = await Promise.all([send('reception', 'accept'), send('dispatcher', 'reject', { reason: '重复' })]);
    const codes = [a.statusCode, b.statusCode].sort();
    expect(codes).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().code).toBe('CASE_VERSION_CONFLICT');
    const after = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: cookies.admin! } });
    expect(after.json().version).toBe(2);
    expect(after.json().timeline).toHaveLength(2);
  });

  it('gives 409 to a stale version', async () => {
    const c = (await createCase()).json();
    await act('reception', c.id, { action: 'accept' });
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${c.id}/actions`,
      headers: { cookie: cookies.dispatcher! },
      payload: { action: 'escalate', reason: 'x', expectedVersion: 1 },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'CASE_VERSION_CONFLICT', details: { currentVersion: 2 } });
  });
});

describe('jurisdiction', () => {
  it('hides a 文苑街道 case from the mediator of another street, in the list, the detail and actions', async () => {
    const sfs = await unitIdOf('410871061-SFS');
    const c = (await createCase()).json();
    await act('reception', c.id, { action: 'accept' });
    await act('dispatcher', c.id, { action: 'dispatch', leadUnitId: sfs });
    const read = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: cookies.mediator2! } });
    expect(read.statusCode).toBe(404);
    expect(read.json().code).toBe('CASE_NOT_FOUND');
    const acted = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${c.id}/actions`,
      headers: { cookie: cookies.mediator2! },
      payload: { action: 'start', expectedVersion: 3 },
    });
    expect([403, 404]).toContain(acted.statusCode);
    const list = await ctx.app.inject({ method: 'GET', url: '/api/cases?pageSize=100', headers: { cookie: cookies.mediator2! } });
    expect(list.json().items.map((i: { id: string }) => i.id)).not.toContain(c.id);
    // …while the mediator it was dispatched to sees it.
    const mine = await ctx.app.inject({ method: 'GET', url: '/api/cases?mine=true&pageSize=100', headers: { cookie: cookies.mediator! } });
    expect(mine.json().items.map((i: { id: string }) => i.id)).toContain(c.id);
  });

  it('lets a grid worker see the cases of their own grid only', async () => {
    const inGrid = (await createCase(buildCaseBody({ place: { address: '东方社区', unitCode: '41087106100101' } }))).json();
    const elsewhere = (await createCase(buildCaseBody({ place: { address: '东方社区', unitCode: '41087106100102' } }))).json();
    const list = (await ctx.app.inject({ method: 'GET', url: '/api/cases?pageSize=100', headers: { cookie: cookies.grid! } })).json();
    const ids = list.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(inGrid.id);
    expect(ids).not.toContain(elsewhere.id);
  });
});

describe('listCases filters and paging', () => {
  it('filters by status, kind, channel and category and pages', async () => {
    const tag = `筛选测试${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 3; i++)
      await createCase(buildCaseBody({ summary: `${tag} 电话`, channel: 'phone', kind: 'petition', category: 'contract' }));
    await createCase(buildCaseBody({ summary: `${tag} 来访` }));
    const q = (s: string) =>
      ctx.app.inject({ method: 'GET', url: `/api/cases?q=${encodeURIComponent(tag)}&${s}`, headers: { cookie: cookies.dispatcher! } });
    expect((await q('')).json().total).toBe(4);
    expect((await q('channel=phone&kind=petition&category=contract&status=registered')).json().total).toBe(3);
    const page2 = (await q('pageSize=2&page=2')).json();
    expect(page2).toMatchObject({ total: 4, page: 2, pageSize: 2 });
    expect(page2.items).toHaveLength(2);
    expect((await q('status=archived')).json().total).toBe(0);
    expect((await q('from=2000-01-01&to=2000-12-31')).json().total).toBe(0);
  });
});

describe('attachments', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

  async function upload(caseId: string, content: Buffer, kind = 'photo', name = '现场.png') {
    const boundary = '----fq' + randomUUID();
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/attachments?kind=${kind}`,
      headers: { cookie: cookies.reception!, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
  }

  it('stores a photo, links it to a note and serves it back', async () => {
    const sfs = await unitIdOf('410871061-SFS');
    const c = (await createCase()).json();
    const up = await upload(c.id, png);
    expect(up.statusCode).toBe(201);
    expect(up.json()).toMatchObject({ kind: 'photo', mimeType: 'image/png', fileName: '现场.png' });
    await act('reception', c.id, { action: 'accept' });
    await act('dispatcher', c.id, { action: 'dispatch', leadUnitId: sfs });
    const noted = (await act('dispatcher', c.id, { action: 'note', note: '现场照片', attachmentIds: [up.json().id] })).json();
    expect(noted.timeline.at(-1).attachments.map((a: { id: string }) => a.id)).toEqual([up.json().id]);
    // A step with files reads its answer after linking them: the same as a fresh read.
    const read = await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: cookies.dispatcher! } });
    expect(noted).toEqual(read.json());
    const file = await ctx.app.inject({
      method: 'GET',
      url: `/api/cases/${c.id}/attachments/${up.json().id}`,
      headers: { cookie: cookies.mediator! },
    });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(png)).toBe(true);
  });

  it('refuses a file whose bytes are not of an allowed type, whatever its name says', async () => {
    const c = (await createCase()).json();
    const res = await upload(c.id, Buffer.from('#!/bin/sh\necho hi\n'), 'photo', 'photo.png');
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
  });
});
