import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/shared/calendar.js';
import { buildCaseBody } from '../../src/server/modules/cases/cases.factory.js';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../support/app.js';

/**
 * Who may do what to whose data, written out as the product states it (every staff member "sees only what their
 * jurisdiction and role allow"; 个人信息保护法 第三十四条, docs/LEGAL-BASIS.md §8; shared/permissions.ts and
 * case-lifecycle.ts are what is checked, not where the expectations come from): every demo role × the operations that touch personal data or the platform's
 * settings × a case of the role's own street (文苑, dispatched to its 司法所) and one of another street (李万).
 */

const ROLES = [
  'admin',
  'reception',
  'dispatcher',
  'leader',
  'mediator',
  'mediator2',
  'handler',
  'grid',
  'counsellor',
  'supervisor',
] as const;
type Role = (typeof ROLES)[number];
type Place = 'wenyuan' | 'liwan';

// The district centre's roles sit at the district root and see every case; the 文苑 mediator sees what is dispatched
// to 文苑街道司法所, the grid worker what lies in the grid, the 李万 mediator what is dispatched to 李万街道司法所;
// a department that is neither place nor lead (人社局, 心理服务中心) sees neither.
const SEES: Record<Place, Role[]> = {
  wenyuan: ['admin', 'reception', 'dispatcher', 'leader', 'mediator', 'grid'],
  liwan: ['admin', 'reception', 'dispatcher', 'leader', 'mediator2'],
};
// Full ID numbers and phones (and the case file that holds them): the staff who deal with the parties, within sight.
const REVEALS: Role[] = ['admin', 'reception', 'dispatcher', 'mediator', 'mediator2', 'handler'];
// A note on the case: its handlers within sight, the dispatchers and the admin; reception and leaders only read.
const NOTES: Role[] = ['admin', 'dispatcher', 'mediator', 'mediator2', 'handler', 'grid', 'counsellor', 'supervisor'];
const both = (roles: Role[], place: Place) => roles.filter((r) => SEES[place].includes(r));

interface CaseOperation {
  name: string;
  allowed: Record<Place, Role[]>;
  send(as: string, caseId: string): Promise<{ statusCode: number; body: string }>;
}

let ctx: TestContext;
const cookies = {} as Record<Role, string>;
const cases = {} as Record<Place, { id: string; partyId: string }>;

const inject = (cookie: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  ctx.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

const CASE_OPERATIONS: CaseOperation[] = [
  { name: 'read the case', allowed: SEES, send: (c, id) => inject(c, 'GET', `/api/cases/${id}`) },
  {
    name: 'reveal a party’s ID number',
    allowed: { wenyuan: both(REVEALS, 'wenyuan'), liwan: both(REVEALS, 'liwan') },
    send: (c, id) =>
      inject(c, 'POST', `/api/cases/${id}/parties/${cases[id === cases.wenyuan.id ? 'wenyuan' : 'liwan'].partyId}/reveal`, {
        field: 'idNumber',
        purpose: '授权测试核对',
      }),
  },
  {
    name: 'download the case file (案卷)',
    allowed: { wenyuan: both(REVEALS, 'wenyuan'), liwan: both(REVEALS, 'liwan') },
    send: (c, id) => inject(c, 'GET', `/api/cases/${id}/case-file.zip`),
  },
  {
    name: 'see similar settled cases (类案参考)',
    allowed: {
      wenyuan: both(['admin', 'dispatcher', 'mediator', 'mediator2'], 'wenyuan'),
      liwan: both(['admin', 'dispatcher', 'mediator', 'mediator2'], 'liwan'),
    },
    send: (c, id) => inject(c, 'GET', `/api/cases/${id}/similar`),
  },
  {
    name: 'rank the lead unit’s handlers at dispatch',
    allowed: { wenyuan: both(['admin', 'dispatcher'], 'wenyuan'), liwan: both(['admin', 'dispatcher'], 'liwan') },
    send: (c, id) => inject(c, 'GET', `/api/cases/${id}/handler-suggestions?unitId=${crypto.randomUUID()}`),
  },
  {
    name: 'add a note',
    allowed: { wenyuan: both(NOTES, 'wenyuan'), liwan: both(NOTES, 'liwan') },
    send: async (c, id) => {
      const version = (await inject(cookies.dispatcher, 'GET', `/api/cases/${id}`)).json().version;
      return inject(c, 'POST', `/api/cases/${id}/actions`, { action: 'note', expectedVersion: version, note: '授权测试' });
    },
  },
];

// Operations of no one case: whether the role passes the gate (a deliberately empty body then fails validation: 400).
const PLATFORM_OPERATIONS: { name: string; allowed: Role[]; send(as: string): Promise<{ statusCode: number; body: string }> }[] = [
  {
    name: 'look a person up at intake',
    allowed: ['admin', 'reception', 'dispatcher', 'mediator', 'mediator2', 'grid'],
    send: (c) => inject(c, 'POST', '/api/persons/lookup', { phone: '13800000000' }),
  },
  {
    name: 'export cases with parties’ names and phones',
    allowed: ['admin', 'dispatcher'],
    send: (c) => inject(c, 'GET', '/api/cases/export.xlsx?withParties=true&pageSize=1'),
  },
  {
    name: 'merge person records',
    allowed: ['admin', 'reception', 'dispatcher'],
    send: (c) => inject(c, 'POST', `/api/persons/${crypto.randomUUID()}/merge`, {}),
  },
  { name: 'issue an API key', allowed: ['admin'], send: (c) => inject(c, 'POST', '/api/admin/api-clients', {}) },
  { name: 'change a time limit', allowed: ['admin'], send: (c) => inject(c, 'POST', '/api/time-limits', {}) },
  { name: 'edit the risk rules', allowed: ['admin'], send: (c) => inject(c, 'PUT', '/api/risk-rules', {}) },
  { name: 'import map boundaries', allowed: ['admin'], send: (c) => inject(c, 'POST', '/api/map/boundaries', {}) },
  {
    name: 'read the cockpit',
    allowed: ['admin', 'dispatcher', 'leader'],
    send: (c) => inject(c, 'GET', `/api/stats/cockpit?from=${shanghaiDate(new Date())}&to=${shanghaiDate(new Date())}`),
  },
  {
    name: 'ask for routing suggestions',
    allowed: ['admin', 'reception', 'dispatcher', 'mediator', 'mediator2', 'grid'],
    send: (c) => inject(c, 'POST', '/api/routing/suggest', { summary: '拖欠工资' }),
  },
  {
    name: 'read the routing model’s report',
    allowed: ['admin', 'dispatcher', 'leader'],
    send: (c) => inject(c, 'GET', '/api/routing/model'),
  },
  { name: 'train the routing model', allowed: ['admin'], send: (c) => inject(c, 'POST', '/api/routing/model/train') },
  {
    name: 'import old case records',
    allowed: ['admin'],
    send: (c) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/imports/cases?dryRun=true',
        headers: { cookie: c, 'content-type': 'multipart/form-data; boundary=fqauth' },
        payload:
          '--fqauth\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\n案件编号,登记日期,事由,类别\r\n--fqauth--\r\n',
      }),
  },
  {
    name: 'open the counsellors’ workspace (sealed notes)',
    allowed: ['counsellor', 'supervisor'],
    send: (c) => inject(c, 'GET', '/api/counselling/services'),
  },
];

/** Allowed: anything but a refusal of who you are (401/403) or of seeing the case (404 CASE_NOT_FOUND). */
function verdict(res: { statusCode: number; body: string }): 'allow' | 'deny' {
  if (res.statusCode >= 500) throw new Error(`server error: ${res.body}`);
  return res.statusCode === 401 || res.statusCode === 403 || res.body.includes('CASE_NOT_FOUND') ? 'deny' : 'allow';
}

beforeAll(async () => {
  ctx = await startTestApp();
  for (const role of ROLES) cookies[role] = await signIn(ctx.app, role);
  const unitId = async (code: string) =>
    (await ctx.database.pool.query('select id from units where code = $1', [code])).rows[0].id as string;
  const places: Record<Place, { place: string; lead: string }> = {
    wenyuan: { place: '41087106100101', lead: '410871061-SFS' },
    liwan: { place: '410871060001', lead: '410871060-SFS' },
  };
  for (const [place, { place: unitCode, lead }] of Object.entries(places) as [Place, { place: string; lead: string }][]) {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception, 'idempotency-key': crypto.randomUUID() },
      payload: buildCaseBody({ place: { address: `授权测试 ${place}`, unitCode } }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const as = { cookie: cookies.dispatcher, readerCookie: cookies.dispatcher };
    await actOnCaseOk(ctx.app, as, id, { action: 'accept' });
    await actOnCaseOk(ctx.app, as, id, { action: 'dispatch', leadUnitId: await unitId(lead) });
    cases[place] = { id, partyId: created.json().parties[0].id };
  }
});
afterAll(() => ctx.close());

describe('who may do what, in whose jurisdiction', () => {
  it.each(CASE_OPERATIONS.map((op) => [op.name, op] as const))('%s: every role, own street and another', async (_name, op) => {
    const seen: string[] = [];
    const expected: string[] = [];
    for (const place of ['wenyuan', 'liwan'] as const) {
      for (const role of ROLES) {
        seen.push(`${role} @ ${place}: ${verdict(await op.send(cookies[role], cases[place].id))}`);
        expected.push(`${role} @ ${place}: ${op.allowed[place].includes(role) ? 'allow' : 'deny'}`);
      }
    }
    expect(seen).toEqual(expected);
  });

  it.each(PLATFORM_OPERATIONS.map((op) => [op.name, op] as const))('%s: every role', async (_name, op) => {
    const seen: string[] = [];
    for (const role of ROLES) seen.push(`${role}: ${verdict(await op.send(cookies[role]))}`);
    expect(seen).toEqual(ROLES.map((role) => `${role}: ${op.allowed.includes(role) ? 'allow' : 'deny'}`));
  });

  it('refuses every one of them to nobody', async () => {
    for (const op of CASE_OPERATIONS) expect(verdict(await op.send('', cases.wenyuan.id))).toBe('deny');
    for (const op of PLATFORM_OPERATIONS) expect(verdict(await op.send(''))).toBe('deny');
  });
});
