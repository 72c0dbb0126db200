import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCaseNow, actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { formatShanghaiDateTime } from '../../../shared/calendar.js';
import { buildCaseBody } from '../cases/cases.factory.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let ctx: TestContext;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  ctx = await startTestApp();
  for (const u of ['grid', 'dispatcher', 'mediator']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

function upload(caseId: string, content: Buffer, query: string, who = 'grid') {
  const boundary = `----fq${randomUUID()}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="现场.png"\r\nContent-Type: image/png\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return ctx.app.inject({
    method: 'POST',
    url: `/api/cases/${caseId}/attachments?${query}`,
    headers: { cookie: cookies[who]!, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

describe('patrol check-ins', () => {
  it('are kept once per id the phone made, however often it is sent', async () => {
    // An hour ago, as the phone writes it (Shanghai time with its offset); kept as the same instant in UTC.
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000);
    const body = {
      id: randomUUID(),
      at: `${formatShanghaiDateTime(at).replace(' ', 'T')}:00+08:00`,
      lat: 35.2411,
      lng: 113.2389,
      note: '东方社区北门巡查，无异常',
    };
    const first = await ctx.app.inject({ method: 'POST', url: '/api/grid/checkins', headers: { cookie: cookies.grid! }, payload: body });
    expect(first.statusCode).toBe(201);
    const again = await ctx.app.inject({ method: 'POST', url: '/api/grid/checkins', headers: { cookie: cookies.grid! }, payload: body });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: body.id, at: at.toISOString(), note: body.note });
    const mine = await ctx.app.inject({ method: 'GET', url: '/api/grid/checkins', headers: { cookie: cookies.grid! } });
    expect(mine.json().filter((c: { id: string }) => c.id === body.id)).toHaveLength(1);
    const notGrid = await ctx.app.inject({
      method: 'POST',
      url: '/api/grid/checkins',
      headers: { cookie: cookies.dispatcher! },
      payload: { ...body, id: randomUUID() },
    });
    expect(notGrid.statusCode).toBe(403);
  });
});

describe('grid worker reports', () => {
  it('may name nobody, carry the GPS position, and get their photos linked to the registration once', async () => {
    const key = randomUUID();
    const body = buildCaseBody({
      channel: 'grid',
      kind: 'grid_event',
      category: 'other',
      summary: `占道堆放建筑垃圾 ${key}`,
      parties: [],
      place: { address: '东方社区5号楼东侧', lat: 35.2405, lng: 113.2401 },
    });
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.grid!, 'idempotency-key': key },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json();
    expect(c).toMatchObject({ channel: 'grid', parties: [], placePosition: { lat: 35.2405, lng: 113.2401 } });
    expect(c.unit.code).toBe('41087106100101');
    // The same photo sent twice (its answer lost the first time) is kept once.
    const a = await upload(c.id, PNG, 'kind=photo&step=registration');
    const b = await upload(c.id, PNG, 'kind=photo&step=registration');
    expect(a.statusCode, a.body).toBe(201);
    expect(b.json().id).toBe(a.json().id);
    const detail = (await ctx.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: { cookie: cookies.grid! } })).json();
    expect(detail.timeline[0].attachments.map((x: { id: string }) => x.id)).toEqual([a.json().id]);
    // Only the one who registered may add to the registration.
    expect((await upload(c.id, Buffer.concat([PNG, Buffer.from([1])]), 'kind=photo&step=registration', 'dispatcher')).statusCode).toBe(403);
  });

  it('other doors still need at least one party', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.dispatcher!, 'idempotency-key': randomUUID() },
      payload: buildCaseBody({ parties: [] }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });
});

describe('就地化解', () => {
  it('a grid worker settles a task dispatched to their grid in one step, with a note', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.dispatcher!, 'idempotency-key': randomUUID() },
      payload: buildCaseBody({ kind: 'grid_event', category: 'neighbourhood', summary: '楼道堆物邻里争执' }),
    });
    const id = created.json().id as string;
    const grid = (await ctx.database.pool.query(`select id from units where code = '41087106100101'`)).rows[0].id;
    const as = (who: string) => ({ cookie: cookies[who]!, readerCookie: cookies.dispatcher! });
    await actOnCaseOk(ctx.app, as('dispatcher'), id, { action: 'accept' });
    await actOnCaseOk(ctx.app, as('dispatcher'), id, { action: 'dispatch', leadUnitId: grid });
    const noNote = await actOnCaseNow(ctx.app, as('grid'), id, { action: 'resolve_on_spot' });
    expect(noNote.json().code).toBe('OUTCOME_REQUIRED');
    // Nobody else may: the dispatcher's role lacks it; a mediator at the street's office does not even see the case.
    expect((await actOnCaseNow(ctx.app, as('dispatcher'), id, { action: 'resolve_on_spot', note: 'x' })).json().code).toBe(
      'CASE_ACTION_FORBIDDEN',
    );
    expect((await actOnCaseNow(ctx.app, as('mediator'), id, { action: 'resolve_on_spot', note: 'x' })).statusCode).toBe(404);
    const done = await actOnCaseOk(ctx.app, as('grid'), id, { action: 'resolve_on_spot', note: '现场协调，双方同意清理楼道' });
    expect(done).toMatchObject({ status: 'concluded', outcome: 'resolved_other' });
    expect(done.clocks.find((c: { stage: string; isRunning: boolean }) => c.stage === 'follow_up' && c.isRunning)).toBeTruthy();
    expect(done.timeline.at(-1)).toMatchObject({ action: 'resolve_on_spot', data: { onSpot: true } });
  });
});
