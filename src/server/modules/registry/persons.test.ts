import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { uniqueIdNumber, uniquePhone } from '../../../../test/support/identities.js';
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
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/persons/lookup',
      payload: { phone },
      headers: { cookie: cookies.reception! },
    });
    expect(res.json().person.name).toBe('孙八');
    expect(res.json().earlierCases.map((c: { id: string }) => c.id)).toEqual([second.id, first.id]);
  });

  it('shows a case outside the clerk’s jurisdiction by code and status only', async () => {
    const phone = `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const c = (
      await register(
        buildCaseBody({
          parties: [{ role: 'applicant', type: 'person', name: '周九', phone }],
          place: { address: '东方社区', unitCode: '41087106100102' },
        }),
      )
    ).json();
    const res = (
      await ctx.app.inject({ method: 'POST', url: '/api/persons/lookup', payload: { phone }, headers: { cookie: cookies.grid! } })
    ).json();
    expect(res.earlierCases).toEqual([expect.objectContaining({ code: c.code, visible: false, summary: '（管辖范围外）' })]);
  });

  it('refuses a bad ID number', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/persons/lookup',
      payload: { idNumber: '110105194912310021' },
      headers: { cookie: cookies.reception! },
    });
    expect(res.json().code).toBe('ID_NUMBER_INVALID');
  });

  it('is not open to leaders', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/persons/lookup',
      payload: { phone: '13812345678' },
      headers: { cookie: cookies.leader! },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('parties as given, persons as known', () => {
  /** A valid ID number whose check character is X (so its lowercase form is a second spelling of the same ID). */
  const idEndingInX = () => {
    for (;;) {
      const id = uniqueIdNumber();
      if (id.endsWith('X')) return id;
    }
  };
  // Other test files register at the same time: what a refused submission wrote is looked for by its own summary.
  const casesWithSummary = async (summary: string) =>
    Number((await ctx.database.pool.query('select count(*)::int as n from cases where summary = $1', [summary])).rows[0].n);

  it('asks before a typed name differs from the ID number’s record, then keeps the typed name on the case and adds it to the person', async () => {
    const id = idEndingInX();
    const first = (
      await register(
        buildCaseBody({ parties: [{ role: 'applicant', type: 'person', name: '王五', idNumber: id, address: '文苑街道东方社区1号楼' }] }),
      )
    ).json();
    // The preview already says so while the clerk types.
    const preview = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/cases/related-preview',
        headers: { cookie: cookies.reception! },
        payload: { parties: [{ role: 'applicant', type: 'person', name: '𠈌秀兰', idNumber: id }] },
      })
    ).json();
    expect(preview.person).toMatchObject({ name: '王五', matchedBy: 'id_number', nameDiffers: true });

    const body = buildCaseBody({
      summary: `同一证件不同姓名 ${randomUUID()}`,
      parties: [{ role: 'applicant', type: 'person', name: '𠈌秀兰', idNumber: id.toLowerCase(), address: '文昌街道金炉村' }],
    });
    const asked = await register(body);
    expect(asked.statusCode).toBe(409);
    expect(asked.json()).toMatchObject({ code: 'PERSON_NAME_DIFFERS', details: { partyIndex: 0, registeredName: '王五' } });
    // Refused before anything was written: no case, and the record has no other name yet.
    expect(await casesWithSummary(body.summary)).toBe(0);
    expect(
      (await ctx.database.pool.query('select aliases from persons where id = $1', [first.parties[0].personId])).rows[0].aliases,
    ).toEqual([]);

    const confirmed = await register({ ...body, parties: [{ ...body.parties[0]!, samePersonConfirmed: true }] });
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    const c = confirmed.json();
    expect(c.parties[0]).toMatchObject({ name: '𠈌秀兰', personId: first.parties[0].personId });
    // The registry knows both names; the first case still says 王五.
    const { rows } = await ctx.database.pool.query('select name, aliases from persons where id = $1', [first.parties[0].personId]);
    expect(rows[0]).toEqual({ name: '王五', aliases: ['𠈌秀兰'] });
    const firstAgain = (
      await ctx.app.inject({ method: 'GET', url: `/api/cases/${first.id}`, headers: { cookie: cookies.reception! } })
    ).json();
    expect(firstAgain.parties[0].name).toBe('王五');
    // A third case under the new name is not asked again.
    expect(
      (await register(buildCaseBody({ parties: [{ role: 'applicant', type: 'person', name: '𠈌秀兰', idNumber: id }] }))).statusCode,
    ).toBe(201);
  });

  it('refuses one person on both sides of a case, by ID number in either spelling or by credit code', async () => {
    const id = idEndingInX();
    const summary = `同一人两方 ${randomUUID()}`;
    const bothSides = await register(
      buildCaseBody({
        summary,
        parties: [
          { role: 'applicant', type: 'person', name: '王五', idNumber: id },
          { role: 'respondent', type: 'person', name: '王五', idNumber: id.toLowerCase() },
        ],
      }),
    );
    expect(bothSides.statusCode).toBe(422);
    expect(bothSides.json()).toMatchObject({ code: 'PARTY_SAME_PERSON', details: { partyIndexes: [0, 1] } });
    const org = { type: 'organization' as const, name: '焦作某某物业服务有限公司', creditCode: '91110108551385082Q' };
    const sameCompany = await register(
      buildCaseBody({
        summary,
        parties: [
          { role: 'applicant', ...org },
          { role: 'respondent', ...org, name: '某某物业（另一写法）' },
        ],
      }),
    );
    expect(sameCompany.json().code).toBe('PARTY_SAME_PERSON');
    // Nothing was registered by the refused submissions.
    expect(await casesWithSummary(summary)).toBe(0);
  });

  it('keeps two people who share a phone (a couple) as two persons', async () => {
    const phone = uniquePhone();
    const husband = (await register(buildCaseBody({ parties: [{ role: 'applicant', type: 'person', name: '李建国', phone }] }))).json();
    const wife = (await register(buildCaseBody({ parties: [{ role: 'applicant', type: 'person', name: '张桂芳', phone }] }))).json();
    expect(wife.parties[0].name).toBe('张桂芳');
    expect(wife.parties[0].personId).not.toBe(husband.parties[0].personId);
    // The same name with the same phone is the same person.
    const again = (await register(buildCaseBody({ parties: [{ role: 'applicant', type: 'person', name: '李建国', phone }] }))).json();
    expect(again.parties[0].personId).toBe(husband.parties[0].personId);
    // At intake the other name is offered as likely, never as "the person".
    const preview = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/cases/related-preview',
        headers: { cookie: cookies.reception! },
        payload: { parties: [{ role: 'applicant', type: 'person', name: '张桂芳', phone }] },
      })
    ).json();
    expect(preview.person).toMatchObject({ id: wife.parties[0].personId });
    const other = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/cases/related-preview',
        headers: { cookie: cookies.reception! },
        payload: { parties: [{ role: 'applicant', type: 'person', name: '李小明', phone }] },
      })
    ).json();
    expect(other.person).toBeNull();
    expect(other.likelyPersons.map((l: { reasons: string[] }) => l.reasons.join())).toEqual(
      expect.arrayContaining([expect.stringContaining('同一电话号码')]),
    );
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

    const likely = (
      await ctx.app.inject({ method: 'GET', url: `/api/persons/${pb}/likely`, headers: { cookie: cookies.reception! } })
    ).json();
    expect(likely).toEqual([expect.objectContaining({ id: pa, name: '刘德华', reasons: ['同音姓名（liu de hua）', '手机尾号相同'] })]);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/persons/${pb}/likely`, headers: { cookie: cookies.grid! } })).statusCode).toBe(
      403,
    );

    const merged = await ctx.app.inject({
      method: 'POST',
      url: `/api/persons/${pb}/merge`,
      headers: { cookie: cookies.reception! },
      payload: { intoId: pa, reason: '本人来访核实，手机号为新号' },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    // Looked up by either phone, it is one person with both cases; a new case with the merged phone joins that person.
    const byB = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/persons/lookup',
        payload: { phone: phoneB },
        headers: { cookie: cookies.reception! },
      })
    ).json();
    expect(byB.person.id).toBe(pa);
    expect(byB.earlierCases.map((c: { id: string }) => c.id).sort()).toEqual([a.id, b.id].sort());
    // The intake preview by the first phone finds the merged record's case too, as the same party's.
    const related = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/cases/related-preview',
        headers: { cookie: cookies.reception! },
        payload: { parties: [{ role: 'applicant', type: 'person', name: '刘德华', phone: phoneA }] },
      })
    ).json() as { person: { id: string; caseCount: number }; related: { caseId: string; reasons: string[] }[] };
    expect(related.person).toMatchObject({ id: pa, caseCount: 2 });
    for (const id of [a.id, b.id])
      expect(related.related.find((r) => r.caseId === id)?.reasons).toContain('同一当事人：刘德华（手机号相同）');
    const c = await file({ role: 'applicant', type: 'person', name: '刘德化', phone: phoneB });
    expect(c.parties[0]!.personId).toBe(pa);
    const { rows } = await ctx.database.pool.query(`select action from admin_log where entity = $1 order by id`, [pb]);
    expect(rows.map((r) => r.action)).toEqual(['person.merge']);

    // Undone: two records again, each with its own cases.
    expect(
      (
        await ctx.app.inject({
          method: 'POST',
          url: `/api/persons/merges/${merged.json().mergeId}/undo`,
          headers: { cookie: cookies.reception! },
        })
      ).statusCode,
    ).toBe(204);
    const byBAgain = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/persons/lookup',
        payload: { phone: phoneB },
        headers: { cookie: cookies.reception! },
      })
    ).json();
    expect(byBAgain.person.id).toBe(pb);
    expect(byBAgain.earlierCases.map((x: { id: string }) => x.id)).toEqual([b.id]);

    // "Not the same person": never offered again.
    expect(
      (
        await ctx.app.inject({
          method: 'POST',
          url: `/api/persons/${pa}/not-same`,
          headers: { cookie: cookies.reception! },
          payload: { otherId: pb },
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/persons/${pb}/likely`, headers: { cookie: cookies.reception! } })).json(),
    ).toEqual([]);
  });
});
