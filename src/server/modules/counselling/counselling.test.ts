import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../../shared/calendar.js';
import { GAD7, PHQ9, scaleDefinitionSchema, scaleFromText, scaleToText, scoreScale } from '../../../shared/scales.js';
import { actOnCaseOk, createIsolatedDatabase, dropDatabase, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { buildCaseBody } from '../cases/cases.factory.js';
import { readWorkbook } from '../../lib/workbook.js';

/** Answers to `scale` summing to `total`, filled from the first item, leaving the items in `zero` at 0. */
function answersFor(items: number, total: number, zero: number[] = []): number[] {
  const out = Array.from({ length: items }, () => 0);
  let left = total;
  for (let i = 0; i < items && left > 0; i++) {
    if (zero.includes(i + 1)) continue;
    out[i] = Math.min(3, left);
    left -= out[i]!;
  }
  if (left > 0) throw new Error(`cannot make ${total}`);
  return out;
}

describe('screening scales scored exactly (PHQ-9, GAD-7: docs/LEGAL-BASIS.md §7)', () => {
  it('puts every PHQ-9 band boundary where the rules say: 4/5, 9/10, 14/15, 19/20', () => {
    const band = (t: number) => scoreScale(PHQ9, answersFor(9, t, [9])).band.key;
    expect([0, 4, 5, 9, 10, 14, 15, 19, 20, 24].map(band)).toEqual([
      'minimal',
      'minimal',
      'mild',
      'mild',
      'moderate',
      'moderate',
      'moderately_severe',
      'moderately_severe',
      'severe',
      'severe',
    ]);
    expect(scoreScale(PHQ9, Array(9).fill(3)).total).toBe(27);
    expect(scoreScale(PHQ9, Array(9).fill(3)).band.key).toBe('severe');
  });

  it('puts every GAD-7 band boundary where the rules say: 4/5, 9/10, 14/15', () => {
    const band = (t: number) => scoreScale(GAD7, answersFor(7, t)).band.key;
    expect([0, 4, 5, 9, 10, 14, 15, 21].map(band)).toEqual([
      'minimal',
      'minimal',
      'mild',
      'mild',
      'moderate',
      'moderate',
      'severe',
      'severe',
    ]);
  });

  it('flags any non-zero answer to PHQ-9 item 9 whatever the total, and nothing else', () => {
    const item9 = [0, 0, 0, 0, 0, 0, 0, 0, 1];
    expect(scoreScale(PHQ9, item9)).toMatchObject({ total: 1, band: { key: 'minimal' }, crisis: [{ no: 9, value: 1 }] });
    expect(scoreScale(PHQ9, answersFor(9, 24, [9])).crisis).toEqual([]);
    expect(scoreScale(GAD7, Array(7).fill(3)).crisis).toEqual([]);
  });

  it('refuses an unanswered item or an answer that is not an option', () => {
    expect(() => scoreScale(PHQ9, [0, 0, 0])).toThrow();
    expect(() => scoreScale(PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, 4])).toThrow();
  });

  it('takes a new scale as data, and refuses bands with a gap', () => {
    const ok = {
      code: 'TEST-3',
      name: '测试量表',
      instructions: '请作答',
      items: [
        { no: 1, text: 'a' },
        { no: 2, text: 'b' },
      ],
      options: [
        { value: 0, label: '否' },
        { value: 1, label: '是' },
      ],
      bands: [
        { min: 0, max: 1, key: 'low', label: '低' },
        { min: 2, max: 2, key: 'high', label: '高' },
      ],
    };
    expect(scaleDefinitionSchema.safeParse(ok).success).toBe(true);
    expect(
      scaleDefinitionSchema.safeParse({
        ...ok,
        bands: [
          { min: 0, max: 0, key: 'low', label: '低' },
          { min: 2, max: 2, key: 'high', label: '高' },
        ],
      }).success,
    ).toBe(false);
  });

  it('reads a scale typed line by line, as the workspace form sends it, and names what is wrong', () => {
    for (const scale of [PHQ9, GAD7]) expect(scaleFromText(scaleToText(scale))).toEqual({ ok: true, scale });
    const typed = {
      code: 'SDS-3',
      name: '简易测试',
      instructions: '请按最近一周的情况作答',
      items: '睡不好\n吃不下\n\n提不起劲',
      options: '0 没有\n1 有时\n2 经常',
      bands: '0-2 正常\n3～6 需关注',
      crisis: '',
    };
    const read = scaleFromText(typed);
    expect(read.ok && read.scale.items.map((i) => i.no)).toEqual([1, 2, 3]);
    expect(read.ok && read.scale.bands).toEqual([
      { min: 0, max: 2, label: '正常', key: 'band_a' },
      { min: 3, max: 6, label: '需关注', key: 'band_b' },
    ]);
    expect(scaleFromText({ ...typed, bands: '0-2 正常\n4-6 需关注' })).toEqual({
      ok: false,
      errors: [{ field: 'bands', message: '分级区间应从 3 开始且连续不重叠' }],
    });
    expect(scaleFromText({ ...typed, options: '0 没有\n有时' })).toEqual({
      ok: false,
      errors: [{ field: 'options', message: '第 2 行应为“分值 选项”，如“0 完全不会”' }],
    });
    expect(scaleFromText({ ...typed, code: 'sds' }).ok).toBe(false);
    expect(scaleFromText({ ...typed, crisis: '5 1 不存在的题' })).toEqual({
      ok: false,
      errors: [{ field: 'crisis', message: '危机条目 5 不存在' }],
    });
  });
});

let ctx: TestContext;
let databaseUrl: string;
const c: Record<string, string> = {};
let caseId: string;
let serviceId: string;
let rooms: { id: string; name: string }[];
let counsellors: { id: string; name: string }[];
const get = (who: string, url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie: c[who]! } });
const post = (who: string, url: string, payload?: unknown) =>
  ctx.app.inject({ method: 'POST', url, headers: { cookie: c[who]! }, payload: payload as object });

beforeAll(async () => {
  // A database of its own: the figures test compares the district's counts read twice (JSON, then Excel), and another
  // file's counselling service registered in between on the shared database made them differ (a CI run under faketime).
  databaseUrl = await createIsolatedDatabase();
  // With a public address, so a self-assessment link can be texted to the person.
  ctx = await startTestApp({ databaseUrl, env: { PUBLIC_BASE_URL: 'https://fq.example.gov.cn/' } });
  for (const u of ['reception', 'dispatcher', 'mediator', 'counsellor', 'counsellor2', 'supervisor', 'admin', 'leader'])
    c[u] = await signIn(ctx.app, u);
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: c.reception!, 'idempotency-key': randomUUID() },
    payload: buildCaseBody({ category: 'marriage_family' }),
  });
  caseId = created.json().id;
  const sfs = (await ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id;
  await actOnCaseOk(ctx.app, { cookie: c.reception!, readerCookie: c.dispatcher! }, caseId, { action: 'accept' });
  await actOnCaseOk(ctx.app, { cookie: c.dispatcher!, readerCookie: c.dispatcher! }, caseId, { action: 'dispatch', leadUnitId: sfs });
  const applicant = created.json().parties.find((p: { role: string }) => p.role === 'applicant');
  // The mediator refers the applicant, who is in distress, to the service room.
  const ref = await post('mediator', `/api/cases/${caseId}/counselling`, {
    personId: applicant.personId,
    reason: '当事人情绪低落，多次提到活着没意思',
  });
  expect(ref.statusCode, ref.body).toBe(201);
  serviceId = ref.json().id;
  rooms = (await get('counsellor', '/api/counselling/rooms')).json();
  counsellors = (await get('counsellor', '/api/counselling/counsellors')).json();
});
afterAll(async () => {
  try {
    await ctx?.close();
  } finally {
    if (databaseUrl) await dropDatabase(databaseUrl);
  }
});

const who = (name: string) => counsellors.find((x) => x.name === name)!.id;
/** A future hour on a day no other test books (unique per run), Shanghai time. */
const slot = (() => {
  const day = new Date(Date.now() + (30 + Math.floor(Math.random() * 300)) * 86_400_000).toISOString().slice(0, 10);
  return (h: number, m = 0) => new Date(`${day}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00+08:00`).toISOString();
})();

describe('the psychological service zone', () => {
  it('shows the referrer only that a service exists and its status', async () => {
    const res = await get('mediator', `/api/cases/${caseId}/counselling`);
    expect(res.statusCode).toBe(200);
    expect(res.json().services).toEqual([{ id: serviceId, status: 'requested', createdAt: expect.any(String) }]);
    expect(res.body).not.toContain('情绪低落');
    expect((await get('mediator', '/api/counselling/services')).statusCode).toBe(403);
    expect((await get('mediator', `/api/counselling/services/${serviceId}`)).statusCode).toBe(403);
    const detail = await get('counsellor', `/api/counselling/services/${serviceId}`);
    expect(detail.json()).toMatchObject({ reason: '当事人情绪低落，多次提到活着没意思', caseId });
  });

  it('lets a supervisor or an admin add a room, and no one else', async () => {
    const name = `咨询室${randomUUID().slice(0, 4)}`;
    expect((await post('counsellor', '/api/counselling/rooms', { name })).statusCode).toBe(403);
    expect((await post('supervisor', '/api/counselling/rooms', { name })).statusCode).toBe(201);
    expect((await post('admin', '/api/counselling/rooms', { name })).json().code).toBe('ROOM_EXISTS');
    expect((await get('counsellor', '/api/counselling/rooms')).json().map((r: { name: string }) => r.name)).toContain(name);
  });

  it('refuses to double-book a counsellor or a room, even at the same moment', async () => {
    const book = (who_: string, counsellorId: string, roomId: string, from: string, to: string) =>
      post(who_, '/api/counselling/appointments', { serviceId, counsellorId, roomId, startsAt: from, endsAt: to });
    const first = await book('counsellor', who('刘芳'), rooms[0]!.id, slot(9), slot(10));
    expect(first.statusCode, first.body).toBe(201);
    const sameCounsellor = await book('counsellor', who('刘芳'), rooms[1]!.id, slot(9, 30), slot(10, 30));
    expect(sameCounsellor.statusCode).toBe(409);
    expect(sameCounsellor.json()).toMatchObject({ code: 'COUNSELLOR_BUSY' });
    const sameRoom = await book('counsellor2', who('马丽'), rooms[0]!.id, slot(9, 45), slot(10, 15));
    expect(sameRoom.json()).toMatchObject({ code: 'ROOM_BUSY' });
    expect(sameRoom.json().message).toMatch(/咨询室/);
    // Back to back is not an overlap.
    expect((await book('counsellor2', who('马丽'), rooms[0]!.id, slot(10), slot(11))).statusCode).toBe(201);
    // Two people booking the same counsellor at the same moment: one wins, the other is told.
    const race = await Promise.all([
      book('counsellor', who('宋心怡'), rooms[1]!.id, slot(14), slot(15)),
      book('counsellor2', who('宋心怡'), rooms[2]!.id, slot(14), slot(15)),
    ]);
    expect(race.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    // A cancelled appointment frees its slot.
    expect(
      (await post('counsellor', `/api/counselling/appointments/${first.json().id}/status`, { status: 'cancelled', note: '来访者改期' }))
        .statusCode,
    ).toBe(204);
    expect((await book('counsellor', who('刘芳'), rooms[1]!.id, slot(9, 30), slot(10, 30))).statusCode).toBe(201);
    // The person is reminded by SMS the day before.
    const { rows } = await ctx.database.pool.query(`select next_attempt_at from outbox where dedupe_key = $1`, [
      `appointment:${first.json().id}:reminder`,
    ]);
    expect(new Date(rows[0].next_attempt_at).getTime()).toBe(new Date(slot(9)).getTime() - 86_400_000);
  });

  it('seals session notes: encrypted at rest, readable by the author and the supervisor only, every read logged, never searchable', async () => {
    const secret = `梦见鲸鱼搁浅${randomUUID().slice(0, 6)}`;
    const added = await post('counsellor', `/api/counselling/services/${serviceId}/sessions`, {
      notes: `来访者谈到${secret}，情绪稳定。`,
      heldOn: shanghaiDate(new Date()),
    });
    expect(added.statusCode, added.body).toBe(201);
    const sessionId = added.json().id;
    const read = async (u: string) => get(u, `/api/counselling/sessions/${sessionId}`);
    expect((await read('counsellor')).json().notes).toContain(secret);
    expect((await read('supervisor')).json().notes).toContain(secret);
    const other = await read('counsellor2');
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe('SESSION_NOTES_SEALED');
    for (const u of ['mediator', 'admin', 'leader']) {
      const res = await read(u);
      expect(res.statusCode, u).toBe(404);
      expect(res.body).not.toContain(secret);
    }
    const reads = await ctx.database.pool.query(
      `select count(*)::int n from access_log where entity_type = 'counselling_session' and entity_id = $1`,
      [sessionId],
    );
    expect(reads.rows[0].n).toBe(2);
    // The raw row holds no plaintext anywhere.
    const raw = await ctx.database.pool.query(`select * from counselling_sessions where id = $1`, [sessionId]);
    expect(JSON.stringify(raw.rows[0])).not.toContain(secret);
    expect(Buffer.from(raw.rows[0].notes_enc).includes(Buffer.from(secret))).toBe(false);
    const anyTable = await ctx.database.pool.query(
      `select count(*)::int n from case_search where search_vector::text like $1 or party_vector::text like $1`,
      [`%${secret.slice(0, 4)}%`],
    );
    expect(anyTable.rows[0].n).toBe(0);
    for (const u of ['admin', 'mediator', 'dispatcher']) {
      const found = (await get(u, `/api/cases?q=${encodeURIComponent(secret)}`)).json();
      expect(found.total, u).toBe(0);
    }
    // The list of sessions shows who and when, and whether the reader may open it.
    const list = (await get('counsellor2', `/api/counselling/services/${serviceId}/sessions`)).json();
    expect(list.find((s: { id: string }) => s.id === sessionId)).toMatchObject({ canRead: false, counsellor: { name: '刘芳' } });
  });

  it('raises a crisis alert on PHQ-9 item 9 = 1 with a total of 1, kept open until a risk assessment is recorded', async () => {
    const res = await post('counsellor', `/api/counselling/services/${serviceId}/administrations`, {
      scaleCode: 'PHQ-9',
      answers: [0, 0, 0, 0, 0, 0, 0, 0, 1],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ total: 1, band: { key: 'minimal' }, crisis: true });
    const alertId = res.json().alertId as string;
    const open = (await get('supervisor', '/api/counselling/alerts?open=true')).json();
    expect(open.map((a: { id: string }) => a.id)).toContain(alertId);
    // The service's counsellor and the supervisor are told at once (in-app).
    const { rows } = await ctx.database.pool.query(`select recipient_user_id from outbox where dedupe_key like $1`, [
      `crisis:${alertId}:%`,
    ]);
    expect(rows.map((r) => r.recipient_user_id).sort()).toEqual([who('刘芳'), who('宋心怡')].sort());
    const tooShort = await post('counsellor', `/api/counselling/alerts/${alertId}/assessment`, { riskLevel: 'medium', assessment: '还好' });
    expect(tooShort.statusCode).toBe(400);
    expect((await get('counsellor', '/api/counselling/alerts?open=true')).json().map((a: { id: string }) => a.id)).toContain(alertId);
    const done = await post('counsellor', `/api/counselling/alerts/${alertId}/assessment`, {
      riskLevel: 'medium',
      assessment: '面谈评估：有消极念头，无具体计划，家属已知情并陪伴，约定三日内复诊。',
    });
    expect(done.statusCode, done.body).toBe(204);
    expect((await get('counsellor', '/api/counselling/alerts?open=true')).json().map((a: { id: string }) => a.id)).not.toContain(alertId);
    expect(
      (
        await post('counsellor', `/api/counselling/alerts/${alertId}/assessment`, {
          riskLevel: 'low',
          assessment: '重复提交的评估记录内容',
        })
      ).json().code,
    ).toBe('CRISIS_ALERT_ASSESSED');
    const raw = await ctx.database.pool.query(`select * from crisis_alerts where id = $1`, [alertId]);
    expect(JSON.stringify(raw.rows[0])).not.toContain('消极念头');
  });

  it('tells whoever is on duty that day as well; only a supervisor or an admin sets the roster, never for a past day', async () => {
    const today = shanghaiDate(new Date());
    const put = (who: string, day: string, counsellorIds: string[]) =>
      ctx.app.inject({ method: 'PUT', url: `/api/counselling/duty/${day}`, headers: { cookie: c[who]! }, payload: { counsellorIds } });
    expect((await put('counsellor', today, [who('马丽')])).statusCode).toBe(403);
    expect((await put('leader', today, [who('马丽')])).statusCode).toBe(403);
    expect((await put('supervisor', addDays(today, -1), [who('马丽')])).json().code).toBe('DUTY_DAY_PAST');
    const mediatorId = (await ctx.database.pool.query(`select id from users where username = 'mediator'`)).rows[0].id;
    expect((await put('supervisor', today, [mediatorId])).json().code).toBe('COUNSELLOR_NOT_FOUND');
    expect((await put('supervisor', today, [who('马丽')])).statusCode).toBe(204);
    try {
      const roster = (await get('counsellor', `/api/counselling/duty?from=${today}&to=${addDays(today, 6)}`)).json();
      expect(roster.canEdit).toBe(false);
      expect(roster.days).toHaveLength(7);
      expect(roster.days[0]).toEqual({ day: today, counsellors: [{ id: who('马丽'), name: '马丽' }] });
      expect((await get('supervisor', `/api/counselling/duty?from=${today}&to=${today}`)).json().canEdit).toBe(true);
      const res = await post('counsellor', `/api/counselling/services/${serviceId}/administrations`, {
        scaleCode: 'PHQ-9',
        answers: [1, 0, 0, 0, 0, 0, 0, 0, 1],
      });
      expect(res.json().crisis).toBe(true);
      const { rows } = await ctx.database.pool.query(`select recipient_user_id from outbox where dedupe_key like $1`, [
        `crisis:${res.json().alertId}:%`,
      ]);
      // The service's counsellor, the supervisor, and 马丽 on duty today.
      expect(rows.map((r) => r.recipient_user_id).sort()).toEqual([who('刘芳'), who('宋心怡'), who('马丽')].sort());
      await post('counsellor', `/api/counselling/alerts/${res.json().alertId}/assessment`, {
        riskLevel: 'low',
        assessment: '复评：情绪平稳，无自伤计划，继续随访。',
      });
      const { rows: logged } = await ctx.database.pool.query(
        `select data from admin_log where action = 'counselling.setDuty' and entity = $1`,
        [today],
      );
      expect(logged.at(-1).data).toEqual({ counsellorIds: [who('马丽')] });
    } finally {
      expect((await put('supervisor', today, [])).statusCode).toBe(204);
    }
  });

  it('lets the resident self-complete on a one-time kiosk link that shows nothing about them', async () => {
    const link = await post('counsellor', `/api/counselling/services/${serviceId}/kiosk-links`, { scaleCode: 'GAD-7' });
    expect(link.statusCode).toBe(201);
    const token = link.json().token;
    const page = await ctx.app.inject({ method: 'GET', url: `/api/public/kiosk/${token}` });
    expect(page.json().scale.items).toHaveLength(7);
    expect(page.body).not.toContain('情绪低落');
    const bad = await ctx.app.inject({ method: 'POST', url: `/api/public/kiosk/${token}`, payload: { answers: [1, 1, 1] } });
    expect(bad.json().code).toBe('SCALE_ANSWERS_INVALID');
    const sent = await ctx.app.inject({ method: 'POST', url: `/api/public/kiosk/${token}`, payload: { answers: [2, 2, 2, 1, 1, 1, 1] } });
    expect(sent.json()).toEqual({ received: true, needsHelpNow: false });
    const again = await ctx.app.inject({ method: 'POST', url: `/api/public/kiosk/${token}`, payload: { answers: [0, 0, 0, 0, 0, 0, 0] } });
    expect(again.statusCode).toBe(404);
    const detail = (await get('counsellor', `/api/counselling/services/${serviceId}`)).json();
    expect(detail.administrations.find((a: { scaleCode: string }) => a.scaleCode === 'GAD-7')).toMatchObject({
      total: 10,
      band: { key: 'moderate', label: '中度' },
      mode: 'self',
    });
  });

  it('texts the one-time link to the person in neutral words when the platform has a public address, and says why not otherwise', async () => {
    const detail = (await get('counsellor', `/api/counselling/services/${serviceId}`)).json();
    expect(detail.kioskSms).toBe('available');
    const sent = await post('counsellor', `/api/counselling/services/${serviceId}/kiosk-links`, { scaleCode: 'GAD-7', bySms: true });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json().sentBySms).toBe(true);
    const { rows } = await ctx.database.pool.query(
      `select channel, body, recipient_phone_enc from outbox where dedupe_key like 'kiosk:%' and body like $1`,
      [`%${sent.json().path}`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].channel).toBe('sms');
    expect(rows[0].body).toContain(`https://fq.example.gov.cn${sent.json().path}`);
    expect(rows[0].body).not.toMatch(/心理|抑郁|焦虑|危机/);
    const applicantPhone = (
      await ctx.database.pool.query(`select p.phone_enc from counselling_services s join persons p on p.id = s.person_id where s.id = $1`, [
        serviceId,
      ])
    ).rows[0].phone_enc;
    expect(ctx.app.deps.crypto.decrypt(rows[0].recipient_phone_enc)).toBe(ctx.app.deps.crypto.decrypt(applicantPhone));
    // The texted link opens the same tablet page.
    expect((await ctx.app.inject({ method: 'GET', url: `/api/public/kiosk/${sent.json().token}` })).statusCode).toBe(200);

    // A walk-in without a phone: nothing to text to.
    const walkIn = (await post('counsellor', '/api/counselling/walk-ins', { name: '无电话来访者', reason: '想找人聊聊最近的压力' })).json()
      .id;
    expect((await get('counsellor', `/api/counselling/services/${walkIn}`)).json().kioskSms).toBe('no_phone');
    expect(
      (await post('counsellor', `/api/counselling/services/${walkIn}/kiosk-links`, { scaleCode: 'GAD-7', bySms: true })).json().code,
    ).toBe('KIOSK_SMS_NO_PHONE');

    // A platform without a public address (the default, on an intranet) opens links on the tablet only.
    const intranet = await startTestApp({ databaseUrl });
    try {
      const cookie = await signIn(intranet.app, 'counsellor');
      const inside = await intranet.app.inject({ method: 'GET', url: `/api/counselling/services/${serviceId}`, headers: { cookie } });
      expect(inside.json().kioskSms).toBe('no_public_address');
      const refused = await intranet.app.inject({
        method: 'POST',
        url: `/api/counselling/services/${serviceId}/kiosk-links`,
        headers: { cookie },
        payload: { scaleCode: 'GAD-7', bySms: true },
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().code).toBe('KIOSK_SMS_UNAVAILABLE');
    } finally {
      await intranet.close();
    }
  });

  it('records a referral to a medical institution and its follow-up; leaders get counts only', async () => {
    const res = await post('counsellor', `/api/counselling/services/${serviceId}/referrals`, {
      institution: '焦作市第二人民医院精神科',
      reason: '建议专科评估',
      followUpOn: addDays(shanghaiDate(new Date()), 15),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect((await get('mediator', `/api/cases/${caseId}/counselling`)).json().services[0].status).toBe('referred_out');
    expect(
      (await post('counsellor', `/api/counselling/referrals/${res.json().id}/follow-up`, { note: '已就诊，遵医嘱随访' })).statusCode,
    ).toBe(204);
    // Figures count Shanghai days: after 16:00 UTC it is already tomorrow there.
    const today = shanghaiDate(new Date());
    const figures = await get('leader', `/api/counselling/figures?from=${today.slice(0, 4)}-01-01&to=${today}`);
    expect(figures.statusCode).toBe(200);
    const f = figures.json();
    expect(f.servicesRequested).toBeGreaterThanOrEqual(1);
    expect(f.referralsOut).toBeGreaterThanOrEqual(1);
    expect(f.alertsRaised).toBeGreaterThanOrEqual(1);
    expect(f.alertsAnsweredInTime).toBeGreaterThanOrEqual(1);
    for (const [k, v] of Object.entries(f)) if (k !== 'from' && k !== 'to') expect(typeof v, k).toBe('number');
    expect((await get('mediator', `/api/counselling/figures?from=${today.slice(0, 4)}-01-01&to=${today}`)).statusCode).toBe(403);
    // The Excel file carries the same counts, and nothing but counts.
    const xlsx = await get('leader', `/api/counselling/figures.xlsx?from=${today.slice(0, 4)}-01-01&to=${today}`);
    expect(xlsx.statusCode).toBe(200);
    const sheet = (await readWorkbook(xlsx.rawPayload)).get('心理服务数据')!;
    const counted = new Map(sheet.map((r) => [r[0], r[1]]));
    expect(counted.get('服务申请')).toBe(f.servicesRequested);
    expect(counted.get('转介医疗机构')).toBe(f.referralsOut);
    expect(counted.get('及时评估（60 分钟内）')).toBe(f.alertsAnsweredInTime);
    const header = sheet.findIndex((r) => r[0] === '项目');
    expect(sheet.slice(header + 1).every((r) => typeof r[1] === 'number')).toBe(true);
    expect((await get('mediator', `/api/counselling/figures.xlsx?from=${today.slice(0, 4)}-01-01&to=${today}`)).statusCode).toBe(403);
    // Closing: refused while an alert waits for its assessment, then closed with its booked appointments cancelled.
    const crisis = await post('counsellor', `/api/counselling/services/${serviceId}/administrations`, {
      scaleCode: 'PHQ-9',
      answers: [0, 0, 0, 0, 0, 0, 0, 0, 2],
    });
    expect((await post('counsellor', `/api/counselling/services/${serviceId}/close`)).json().code).toBe('COUNSELLING_ALERT_OPEN');
    await post('counsellor', `/api/counselling/alerts/${crisis.json().alertId}/assessment`, {
      riskLevel: 'low',
      assessment: '复评：情绪平稳，无自伤计划，已转介专科随访。',
    });
    expect((await post('counsellor', `/api/counselling/services/${serviceId}/close`)).statusCode).toBe(204);
    expect((await get('mediator', `/api/cases/${caseId}/counselling`)).json().services[0].status).toBe('closed');
    const booked = await ctx.database.pool.query(
      `select count(*)::int n from counselling_appointments where service_id = $1 and status = 'booked'`,
      [serviceId],
    );
    expect(booked.rows[0].n).toBe(0);
  });
});
