import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { buildCaseBody, SAMPLE_APPLICANT } from '../cases/cases.factory.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  ctx = await startTestApp();
  for (const u of ['reception', 'grid', 'leader', 'mediator']) cookies[u] = await signIn(ctx.app, u);
});
afterAll(() => ctx.close());

const register = (body = buildCaseBody(), who = 'reception') =>
  ctx.app.inject({ method: 'POST', url: '/api/cases', headers: { cookie: cookies[who]!, 'idempotency-key': randomUUID() }, payload: body });

describe('earlier cases at intake', () => {
  it('finds a person’s earlier cases by ID number or by phone, one person record for both', async () => {
    const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const party = { role: 'applicant' as const, type: 'person' as const, name: '孙八', phone };
    const first = (await register(buildCaseBody({ parties: [party] }))).json();
    const second = (await register(buildCaseBody({ parties: [party], summary: '第二次来访' }))).json();
    expect(second.parties[0].personId).toBe(first.parties[0].personId);
    const res = await ctx.app.inject({ method: 'POST', url: '/api/persons/lookup', payload: { phone }, headers: { cookie: cookies.reception! } });
    expect(res.json().person.name).toBe('孙八');
    expect(res.json().earlierCases.map((c: { id: string }) => c.id)).toEqual([second.id, first.id]);
  });

  it('shows a case outside the clerk’s jurisdiction by code and status only', async () => {
    const phone = `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const c = (await register(buildCaseBody({ parties: [{ role: 'applicant', type: 'person', name: '周九', phone }], place: { address: '东方社区', unitCode: '41087106100102' } }))).json();
    const res = (await ctx.app.inject({ method: 'POST', url: '/api/persons/lookup', payload: { phone }, headers: { cookie: cookies.grid! } })).json();
    expect(res.earlierCases).toEqual([expect.objectContaining({ code: c.code, visible: false, summary: '（管辖范围外）' })]);
  });

  it('refuses a bad ID number', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/persons/lookup', payload: { idNumber: '110105194912310021' }, headers: { cookie: cookies.reception! } });
    expect(res.json().code).toBe('ID_NUMBER_INVALID');
  });

  it('is not open to leaders', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/persons/lookup', payload: { phone: '13812345678' }, headers: { cookie: cookies.leader! } });
    expect(res.statusCode).toBe(403);
  });
});

describe('revealing personal data', () => {
  it('shows the full value to an allowed role and logs who, what and why', async () => {
    const c = (await register(buildCaseBody({ parties: [SAMPLE_APPLICANT] }))).json();
    const party = c.parties[0];
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${c.id}/parties/${party.id}/reveal`,
      headers: { cookie: cookies.reception! },
      payload: { field: 'idNumber', purpose: '核对身份' },
    });
    expect(res.json()).toEqual({ field: 'idNumber', value: '11010519491231002X' });
    const { rows } = await ctx.database.pool.query(
      `select a.field, a.purpose, u.username from access_log a join users u on u.id = a.actor_id where a.entity_id = $1`,
      [party.personId],
    );
    expect(rows).toContainEqual({ field: 'idNumber', purpose: `核对身份（案件 ${c.code}）`, username: 'reception' });
  });

  it('refuses a role that may not reveal, and logs nothing', async () => {
    const c = (await register()).json();
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${c.id}/parties/${c.parties[0].id}/reveal`,
      headers: { cookie: cookies.leader! },
      payload: { field: 'phone', purpose: '查看' },
    });
    expect(res.statusCode).toBe(403);
    const logged = await ctx.database.pool.query(
      `select count(*)::int as n from access_log a join users u on u.id = a.actor_id where a.entity_id = $1 and u.username = 'leader'`,
      [c.parties[0].personId],
    );
    expect(logged.rows[0].n).toBe(0);
  });
});

describe('the person registry: likely duplicates, merging and undoing', () => {
  const file = async (party: object) =>
    (await register(buildCaseBody({ parties: [party as never] }))).json() as { id: string; code: string; parties: { personId: string }[] };

  it('offers a homophone with the same phone ending, merges it reversibly, and keeps a refused pair apart', async () => {
    const suffix = String(Math.floor(Math.random() * 9000) + 1000);
    const phoneA = `150${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${suffix}`;
    const phoneB = `151${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${suffix}`;
    const a = await file({ role: 'applicant', type: 'person', name: '刘德华', phone: phoneA });
    const b = await file({ role: 'applicant', type: 'person', name: '刘德化', phone: phoneB });
    const [pa, pb] = [a.parties[0]!.personId, b.parties[0]!.personId];
    expect(pa).not.toBe(pb);

    const likely = (await ctx.app.inject({ method: 'GET', url: `/api/persons/${pb}/likely`, headers: { cookie: cookies.reception! } })).json();
    expect(likely).toEqual([expect.objectContaining({ id: pa, name: '刘德华', reasons: ['同音姓名（liu de hua）', '手机尾号相同'] })]);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/persons/${pb}/likely`, headers: { cookie: cookies.grid! } })).statusCode).toBe(403);

    const merged = await ctx.app.inject({ method: 'POST', url: `/api/persons/${pb}/merge`, headers: { cookie: cookies.reception! }, payload: { intoId: pa, reason: '本人来访核实，手机号为新号' } });
    expect(merged.statusCode, merged.body).toBe(200);
    // Looked up by either phone, it is one person with both cases; a new case with the merged phone joins that person.
    const byB = (await ctx.app.inject({ method: 'POST', url: '/api/persons/lookup', payload: { phone: phoneB }, headers: { cookie: cookies.reception! } })).json();
    expect(byB.person.id).toBe(pa);
    expect(byB.earlierCases.map((c: { id: string }) => c.id).sort()).toEqual([a.id, b.id].sort());
    const c = await file({ role: 'applicant', type: 'person', name: '刘德化', phone: phoneB });
    expect(c.parties[0]!.personId).toBe(pa);
    const { rows } = await ctx.database.pool.query(`select action from admin_log where entity = $1 order by id`, [pb]);
    expect(rows.map((r) => r.action)).toEqual(['person.merge']);

    // Undone: two records again, each with its own cases.
    expect((await ctx.app.inject({ method: 'POST', url: `/api/persons/merges/${merged.json().mergeId}/undo`, headers: { cookie: cookies.reception! } })).statusCode).toBe(204);
    const byBAgain = (await ctx.app.inject({ method: 'POST', url: '/api/persons/lookup', payload: { phone: phoneB }, headers: { cookie: cookies.reception! } })).json();
    expect(byBAgain.person.id).toBe(pb);
    expect(byBAgain.earlierCases.map((x: { id: string }) => x.id)).toEqual([b.id]);

    // "Not the same person": never offered again.
    expect((await ctx.app.inject({ method: 'POST', url: `/api/persons/${pa}/not-same`, headers: { cookie: cookies.reception! }, payload: { otherId: pb } })).statusCode).toBe(204);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/persons/${pb}/likely`, headers: { cookie: cookies.reception! } })).json()).toEqual([]);
  });
});
