import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PHQ9 } from '../../shared/scales.js';
import { line } from '../../shared/schemas/text.js';
import { buildCaseBody } from '../modules/cases/cases.factory.js';
import { signIn, startTestApp, type TestContext } from '../../../test/support/app.js';
import { untypedStrings } from './input-boundary.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};
let caseId = '';
let caseVersion = 0;

beforeAll(async () => {
  ctx = await startTestApp();
  for (const u of ['admin', 'reception', 'supervisor']) cookies[u] = await signIn(ctx.app, u);
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: cookies.reception!, 'idempotency-key': crypto.randomUUID() },
    payload: buildCaseBody(),
  });
  expect(created.statusCode, created.body).toBe(201);
  caseId = created.json().id;
  caseVersion = created.json().version;
});
afterAll(() => ctx.close());

const NUL = 'a\u0000b';

/** Each field of issue 14's list, with an otherwise valid request: the NUL must be what is refused. */
const NUL_FIELDS: { what: string; who?: string; method: 'POST' | 'PUT'; url: () => string; payload: () => unknown; path: string }[] = [
  {
    what: 'login username',
    method: 'POST',
    url: () => '/api/auth/login',
    payload: () => ({ username: NUL, password: 'fengqiao-demo' }),
    path: 'username',
  },
  {
    what: 'case summary',
    who: 'reception',
    method: 'POST',
    url: () => '/api/cases',
    payload: () => buildCaseBody({ summary: NUL }),
    path: 'summary',
  },
  {
    what: 'case narrative',
    who: 'reception',
    method: 'POST',
    url: () => '/api/cases',
    payload: () => buildCaseBody({ narrative: `${NUL}，申请人陈述` }),
    path: 'narrative',
  },
  {
    what: 'party name and address',
    who: 'reception',
    method: 'POST',
    url: () => '/api/cases',
    payload: () => {
      const body = buildCaseBody();
      return { ...body, parties: [{ ...body.parties[0]!, name: NUL, address: NUL }, body.parties[1]!] };
    },
    path: 'parties.0.name',
  },
  {
    what: 'note',
    who: 'reception',
    method: 'POST',
    url: () => `/api/cases/${caseId}/actions`,
    payload: () => ({ action: 'note', expectedVersion: caseVersion, note: NUL }),
    path: 'note',
  },
  {
    what: 'time-limit legal basis',
    who: 'admin',
    method: 'POST',
    url: () => '/api/time-limits',
    payload: () => ({
      priority: 1,
      stage: 'handling',
      kind: null,
      category: 'medical',
      channel: null,
      difficulty: null,
      days: 12,
      unit: 'working',
      maxExtensionDays: null,
      warnPercent: 80,
      legalBasis: `测试${NUL}`,
      isEnabled: true,
    }),
    path: 'legalBasis',
  },
  {
    what: 'room name',
    who: 'supervisor',
    method: 'POST',
    url: () => '/api/counselling/rooms',
    payload: () => ({ name: NUL }),
    path: 'name',
  },
  {
    what: 'scale name',
    who: 'supervisor',
    method: 'POST',
    url: () => '/api/counselling/scales',
    payload: () => ({ ...PHQ9, code: 'NUL-TEST', name: NUL }),
    path: 'name',
  },
  {
    what: 'api-client name',
    who: 'admin',
    method: 'POST',
    url: () => '/api/admin/api-clients',
    payload: () => ({ name: NUL, channels: ['online'] }),
    path: 'name',
  },
  {
    what: 'camera unit code',
    who: 'admin',
    method: 'POST',
    url: () => '/api/cameras',
    payload: () => ({ code: 'NUL-TEST-1', name: '测试点位', lat: 35.24, lng: 113.24, unitCode: NUL }),
    path: 'unitCode',
  },
];

describe('one text type at the boundary', () => {
  it.each(NUL_FIELDS)('refuses a NUL in the $what with VALIDATION_FAILED naming the field', async ({ who, method, url, payload, path }) => {
    const res = await ctx.app.inject({
      method,
      url: url(),
      payload: payload() as object,
      headers: { ...(who ? { cookie: cookies[who]! } : {}), 'idempotency-key': crypto.randomUUID() },
    });
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.details).toContainEqual({ path, message: expect.stringContaining('U+0000') });
  });

  it('refuses a NUL in a path parameter: the resident’s progress page', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/public/progress/%00' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['/open311/v2/requests.json?service_code=a%00b', 'json'],
    ['/open311/v2/requests/a%00b.xml', 'xml'],
    ['/open311/v2/tokens/a%00b.json', 'json'],
    ['/open311/v2/services.xml?jurisdiction_id=%00', 'xml'],
  ])('answers %s in GeoReport’s own error shape', async (url, format) => {
    const res = await ctx.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(400);
    if (format === 'json') expect(res.json()).toEqual([{ code: 400, description: expect.stringContaining('U+0000') }]);
    else {
      expect(XMLValidator.validate(res.body)).toBe(true);
      expect(res.body).toContain('<code>400</code>');
    }
  });

  it('normalises identifiers before their limits: a pasted ID with spaces and a +86 phone register as typed', async () => {
    const body = buildCaseBody();
    const id = body.parties[0]!.idNumber!;
    const spaced = `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14).toLowerCase()}`;
    const phone = body.parties[0]!.phone!;
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception!, 'idempotency-key': crypto.randomUUID() },
      payload: {
        ...body,
        parties: [
          { ...body.parties[0]!, idNumber: spaced, phone: `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}` },
          body.parties[1]!,
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const lookup = await ctx.app.inject({
      method: 'POST',
      url: '/api/persons/lookup',
      headers: { cookie: cookies.reception! },
      payload: { idNumber: id },
    });
    expect(lookup.json().earlierCases.map((c: { id: string }) => c.id)).toContain(res.json().id);
  });

  it('takes a fixed line with its area code and extension as a party’s phone', async () => {
    const body = buildCaseBody();
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception!, 'idempotency-key': crypto.randomUUID() },
      payload: { ...body, parties: [{ ...body.parties[0]!, phone: '(0391) 1234567 转 801' }, body.parties[1]!] },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().parties[0].phone).toBe('0391-***4567');
  });
});

describe('request bodies of the wrong kind', () => {
  const uploads = () => [
    { name: 'case attachment', url: `/api/cases/${caseId}/attachments?kind=photo`, cookie: cookies.reception },
    { name: '“三零” figures import', url: `/api/three-zero/figures/${new Date().getFullYear()}/import`, cookie: cookies.admin },
    { name: 'portal photo', url: '/api/public/reports/NO-SUCH-TOKEN/photos', cookie: undefined },
  ];

  it('refuses multipart/form-data without a boundary on the three upload routes: 400 MULTIPART_INVALID', async () => {
    for (const upload of uploads()) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: upload.url,
        headers: { 'content-type': 'multipart/form-data', ...(upload.cookie ? { cookie: upload.cookie } : {}) },
        payload: 'x',
      });
      expect([upload.name, res.statusCode, res.json().code]).toEqual([upload.name, 400, 'MULTIPART_INVALID']);
    }
  });

  it('refuses any other content type on the upload routes: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const upload of uploads()) {
      for (const contentType of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
        const res = await ctx.app.inject({
          method: 'POST',
          url: upload.url,
          headers: { 'content-type': contentType, ...(upload.cookie ? { cookie: upload.cookie } : {}) },
          payload: '{}',
        });
        expect([upload.name, contentType, res.statusCode, res.json().code]).toEqual([
          upload.name,
          contentType,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        ]);
      }
    }
  });

  it('answers a multipart body cut short with MULTIPART_INVALID, not a 500', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/attachments?kind=photo`,
      headers: { cookie: cookies.reception!, 'content-type': 'multipart/form-data; boundary=XYZ' },
      payload: '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\nabc',
    });
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json().code).toBe('MULTIPART_INVALID');
  });

  it('refuses a text/plain body on a JSON route and on a route that takes no body', async () => {
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: '{"username":"admin","password":"fengqiao-demo"}',
    });
    expect([login.statusCode, login.json().code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const logout = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: cookies.admin!, 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect([logout.statusCode, logout.json().code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    // No body at all, or an empty JSON object, is how a body-less POST comes.
    expect((await ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: cookies.admin! } })).statusCode).toBe(200);
  });
});

describe('the route audit', () => {
  it('names every string of a schema that bypasses the text type', () => {
    const schema = z.object({
      ok: line(10),
      id: z.string().uuid(),
      day: z.string().date(),
      bad: z.string(),
      list: z.array(z.object({ also: z.string().max(3).optional() })),
    });
    expect(untypedStrings(schema, 'body')).toEqual(['body.bad', 'body.list[].also']);
  });
});
