import { createHash, randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../src/shared/calendar.js';
import { WEB_ENTRIES } from '../../src/shared/web-entries.js';
import { MEDIA_TYPES } from '../../src/server/lib/media-types.js';
import { contentPath } from '../../src/server/modules/mediation/recordings.js';
import { buildCaseBody } from '../../src/server/modules/cases/cases.factory.js';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../support/app.js';

/**
 * The OpenAPI document (`/api/openapi.json`) is the whole contract of the API, so that a client generated from it
 * can call every operation and download every file:
 * - every route the app registers is in it with an operationId, and the operationIds are unique;
 * - every operation that answers a file, a page or a stream declares its media type, and calling it (as a role
 *   allowed to, on data this file creates) answers exactly that type, with bytes of that type;
 * - every other answer is JSON: each JSON GET is called, and every answer this file receives is checked against
 *   the types its operation declares for that status (an undeclared error status answers JSON).
 *
 * The routes are watched as Fastify registers them (its `fastify.initialization` diagnostics channel gives the
 * instance before any plugin runs), so a route left out of the document cannot hide.
 */

interface Route {
  method: string;
  url: string;
}
interface Answer {
  method: string;
  /** The route's URL pattern (`/api/cases/:id`); undefined when no route matched (the not-found handler). */
  route: string | undefined;
  status: number;
  contentType: string | undefined;
}
interface Operation {
  operationId?: string;
  parameters?: { in: string; name: string; required?: boolean; schema?: { type?: string; format?: string; enum?: string[] } }[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>> };

const routes: Route[] = [];
const answers: Answer[] = [];
const webRoot = mkdtempSync(join(tmpdir(), 'fengqiao-web-'));

/** Watches the app being built: every route it registers and every answer it sends. */
function watchApp(message: unknown) {
  const { fastify } = message as { fastify: FastifyInstance };
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    const type = reply.getHeader('content-type');
    answers.push({
      method: request.method,
      route: request.routeOptions.url,
      status: reply.statusCode,
      contentType: typeof type === 'string' ? type : undefined,
    });
    return payload;
  });
}

/**
 * Routes that are not part of the API, each for its reason:
 * - the built web UI's files (`@fastify/static`, one route per file of the build): pages and scripts for browsers;
 * - the interactive reference under `/api/docs` (`@fastify/swagger-ui`) and the document itself: they describe the
 *   API rather than belong to it;
 * - the HEAD route Fastify adds beside every GET (`exposeHeadRoutes`): the GET documents it.
 */
function isOutsideTheApi(route: Route): boolean {
  if (
    (route.method === 'GET' || route.method === 'HEAD') &&
    !route.url.startsWith('/api/') &&
    !route.url.startsWith('/open311/') &&
    existsSync(join(webRoot, route.url))
  )
    return true;
  if (route.url === '/api/docs' || route.url.startsWith('/api/docs/') || route.url === '/api/openapi.json') return true;
  if (route.method === 'HEAD' && routes.some((r) => r.method === 'GET' && withoutTrailingSlash(r.url) === withoutTrailingSlash(route.url)))
    return true;
  return false;
}

const withoutTrailingSlash = (url: string) => (url.length > 1 ? url.replace(/\/$/, '') : url);
/** `/api/cases/:id` → `/api/cases/{id}`, as the document writes paths. */
const docPathOf = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const mediaTypeOf = (contentType: unknown) =>
  typeof contentType === 'string' ? contentType.split(';')[0]!.trim().toLowerCase() : undefined;

let ctx: TestContext;
let doc: Doc;
const cookies: Record<string, string> = {};
const today = shanghaiDate(new Date());
const data = {
  mediationCaseId: '',
  petitionCaseId: '',
  attachmentId: '',
  recordingId: '',
  open311Code: '',
  open311Token: '',
  apiKey: '',
  /** 文苑街道司法所, the unit the cases are dispatched to. */
  unitId: '',
};

/**
 * The operation a route's URL falls under: a plugin's `/` route is registered both as `/prefix` and `/prefix/`
 * (Fastify's `prefixTrailingSlash`), and the document lists it once.
 */
function operationOf(method: string, url: string): Operation | undefined {
  const path = docPathOf(withoutTrailingSlash(url));
  const candidates = [path, `${path}/`];
  for (const p of candidates) {
    const op = doc.paths[p]?.[method.toLowerCase()];
    if (op) return op;
  }
  return undefined;
}

/** The media types an operation declares for `status` (exact code, then its class such as `4XX`, then `default`). */
function declaredTypes(op: Operation, status: number): string[] | undefined {
  const responses = op.responses ?? {};
  const entry = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  return entry ? Object.keys(entry.content ?? {}) : undefined;
}

/** Operations answering anything but JSON, by operationId. */
function fileOperations(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const ops of Object.values(doc.paths)) {
    for (const op of Object.values(ops)) {
      const types = [...new Set(Object.values(op.responses ?? {}).flatMap((r) => Object.keys(r.content ?? {})))];
      if (types.some((t) => t !== MEDIA_TYPES.json)) out.set(op.operationId!, types);
    }
  }
  return out;
}

beforeAll(async () => {
  // A stand-in for `dist/web` so the static routes exist and their exclusion is exercised.
  for (const name of ['index', ...WEB_ENTRIES.map((e) => e.name)])
    writeFileSync(join(webRoot, `${name}.html`), '<!doctype html><title>Fengqiao</title>');
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'assets', 'app-0000.js'), 'export {};');

  subscribe('fastify.initialization', watchApp);
  try {
    ctx = await startTestApp({ withWeb: webRoot });
  } finally {
    unsubscribe('fastify.initialization', watchApp);
  }
  for (const role of ['admin', 'reception', 'dispatcher', 'mediator', 'leader', 'counsellor', 'grid'])
    cookies[role] = await signIn(ctx.app, role);
  doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();

  const as = (who: string) => ({ cookie: cookies[who]!, readerCookie: cookies.dispatcher! });
  const sfs = (await ctx.database.pool.query(`select id from units where code = '410871061-SFS'`)).rows[0].id as string;
  data.unitId = sfs;
  const register = async (body: object) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: cookies.reception!, 'idempotency-key': randomUUID() },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };

  // A dispute in mediation with a draft agreement and a photo.
  const dispute = await register(buildCaseBody());
  data.mediationCaseId = dispute.id;
  await actOnCaseOk(ctx.app, as('dispatcher'), dispute.id, { action: 'accept' });
  await actOnCaseOk(ctx.app, as('dispatcher'), dispute.id, { action: 'dispatch', leadUnitId: sfs });
  await actOnCaseOk(ctx.app, as('mediator'), dispute.id, { action: 'start' });
  const dueDate = addDays(today, 14);
  const agreement = await ctx.app.inject({
    method: 'PUT',
    url: `/api/cases/${dispute.id}/agreement`,
    headers: { cookie: cookies.mediator! },
    payload: {
      form: 'written',
      subjectMatter: 'wages',
      facts: '申请人在被申请人处务工三个月，被申请人拖欠工资一万二千元。',
      disputedMatters: '被申请人应否支付及何时支付拖欠的工资。',
      responsibilities: '被申请人未按约定支付劳动报酬，应承担支付责任。',
      terms: [{ text: '被申请人向申请人支付拖欠工资12000元', method: '银行转账', dueDate }],
    },
  });
  expect(agreement.statusCode, agreement.body).toBe(200);
  const boundary = `----fq${randomUUID()}`;
  const upload = await ctx.app.inject({
    method: 'POST',
    url: `/api/cases/${dispute.id}/attachments?kind=photo`,
    headers: { cookie: cookies.reception!, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="现场.png"\r\nContent-Type: image/png\r\n\r\n`),
      Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  expect(upload.statusCode, upload.body).toBe(201);
  data.attachmentId = upload.json().id;

  // A recording of an online session, as uploadSessionRecording leaves it: the bytes under DATA_DIR by their SHA-256.
  const webm = Buffer.from('1a45dfa39f4286810142f7810142f2810442f381084282847765626d4287810242858102', 'hex');
  const sha = createHash('sha256').update(webm).digest('hex');
  const file = contentPath(ctx.app.deps.config.dataDir, sha);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, webm);
  data.recordingId = (
    await ctx.database.pool.query(
      `insert into session_recordings (district_code, session_id, case_id, started_by, mime_type, status, size, sha256)
       values ('410871', gen_random_uuid(), $1, gen_random_uuid(), 'video/webm', 'complete', $2, $3) returning id`,
      [dispute.id, webm.length, sha],
    )
  ).rows[0].id;

  // A petition with its 信访处理意见书.
  const petition = await register(buildCaseBody({ kind: 'petition', category: 'land_acquisition' }));
  data.petitionCaseId = petition.id;
  await actOnCaseOk(ctx.app, as('dispatcher'), petition.id, { action: 'accept' });
  await actOnCaseOk(ctx.app, as('dispatcher'), petition.id, { action: 'dispatch', leadUnitId: sfs });
  const reply = await ctx.app.inject({
    method: 'POST',
    url: `/api/cases/${petition.id}/petition-replies`,
    headers: { cookie: cookies.mediator! },
    payload: {
      stage: 'reply',
      request: '要求补发征地补偿款。',
      factsAndReasons: '经核查，补偿款已按方案足额发放。',
      decision: 'not_support',
      legalBasis: '《信访工作条例》第三十二条。',
    },
  });
  expect(reply.statusCode, reply.body).toBe(201);

  // A request filed through Open311 by a connected app.
  const client = await ctx.app.inject({
    method: 'POST',
    url: '/api/admin/api-clients',
    headers: { cookie: cookies.admin! },
    payload: { name: `Open311 合同测试 ${randomUUID().slice(0, 8)}`, channels: ['online'] },
  });
  data.apiKey = client.json().apiKey;
  const filed = await ctx.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      api_key: data.apiKey,
      service_code: 'neighbourhood',
      lat: '35.2391',
      long: '113.2415',
      address_string: '文苑街道东方社区5号楼',
      description: `楼上装修噪音扰民 ${randomUUID()}`,
    }).toString(),
  });
  expect(filed.statusCode, filed.body).toBe(201);
  [data.open311Code, data.open311Token] = [filed.json()[0].service_request_id, filed.json()[0].token];
}, 120_000);
afterAll(async () => {
  await ctx?.close();
  rmSync(webRoot, { recursive: true, force: true });
});

describe('the OpenAPI document', () => {
  it('lists every route the app registers, each with an operationId', () => {
    const api = routes.filter((r) => !isOutsideTheApi(r));
    expect(api.length).toBeGreaterThan(100);
    // The exclusions matched what they are for, so they cannot silently grow to cover API routes.
    expect(routes.some((r) => r.url === '/assets/app-0000.js')).toBe(true);
    const missing = api.filter((r) => !operationOf(r.method, r.url)?.operationId).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
  });

  it('gives every operation its own operationId', () => {
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids.filter((id) => !id)).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('keeps the interactive reference at /api/docs, served from the platform itself', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expect(mediaTypeOf(page.headers['content-type'])).toBe('text/html');
    for (const script of ['/api/docs/static/swagger-ui-bundle.js', '/api/docs/static/swagger-initializer.js']) {
      expect((await ctx.app.inject({ method: 'GET', url: script })).statusCode, script).toBe(200);
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/api/docs/json' })).json().paths).toEqual(doc.paths);
  });
});

/** One request of a file answer and the media type it must answer with. */
interface FileCall {
  as?: string;
  method?: 'GET' | 'POST';
  url: () => string;
  form?: () => Record<string, string>;
  type: string;
}
const yearStart = `${today.slice(0, 4)}-01-01`;
const xlsx = MEDIA_TYPES.xlsx;
const form311 = () => ({
  api_key: data.apiKey,
  service_code: 'neighbourhood',
  lat: '35.2391',
  long: '113.2415',
  address_string: '文苑街道东方社区5号楼',
  description: `楼道堆物 ${randomUUID()}`,
});

/** Every operation whose document declares a non-JSON answer, called as a role allowed to. */
const FILE_CALLS: Record<string, FileCall[]> = {
  exportCases: [{ as: 'dispatcher', url: () => '/api/cases/export.xlsx?pageSize=1', type: xlsx }],
  downloadAttachment: [
    { as: 'mediator', url: () => `/api/cases/${data.mediationCaseId}/attachments/${data.attachmentId}`, type: 'image/png' },
  ],
  downloadAgreementDocx: [{ as: 'mediator', url: () => `/api/cases/${data.mediationCaseId}/agreement.docx`, type: MEDIA_TYPES.docx }],
  playSessionRecording: [
    { as: 'mediator', url: () => `/api/cases/${data.mediationCaseId}/recordings/${data.recordingId}`, type: MEDIA_TYPES.webm },
  ],
  printAgreement: [{ as: 'mediator', url: () => `/api/cases/${data.mediationCaseId}/agreement.html`, type: MEDIA_TYPES.html }],
  downloadCaseFile: [{ as: 'dispatcher', url: () => `/api/cases/${data.mediationCaseId}/case-file.zip`, type: MEDIA_TYPES.zip }],
  downloadPetitionReply: [
    { as: 'mediator', url: () => `/api/cases/${data.petitionCaseId}/petition-replies/reply/docx`, type: MEDIA_TYPES.docx },
  ],
  printPetitionReply: [
    { as: 'mediator', url: () => `/api/cases/${data.petitionCaseId}/petition-replies/reply/html`, type: MEDIA_TYPES.html },
  ],
  exportCockpit: [{ as: 'leader', url: () => `/api/stats/cockpit.xlsx?from=${yearStart}&to=${today}`, type: xlsx }],
  exportMediationForm: [{ as: 'leader', url: () => `/api/stats/mediation-form.xlsx?month=${today.slice(0, 7)}`, type: xlsx }],
  exportThreeZeroBoard: [{ as: 'leader', url: () => `/api/three-zero/export.xlsx?year=${today.slice(0, 4)}`, type: xlsx }],
  exportCounsellingFigures: [{ as: 'leader', url: () => `/api/counselling/figures.xlsx?from=${yearStart}&to=${today}`, type: xlsx }],
  open311DiscoveryXml: [{ url: () => '/open311/v2/discovery.xml', type: MEDIA_TYPES.xml }],
  open311ListServicesXml: [{ url: () => '/open311/v2/services.xml', type: MEDIA_TYPES.xml }],
  open311ListRequestsXml: [{ url: () => '/open311/v2/requests.xml', type: MEDIA_TYPES.xml }],
  open311CreateRequestXml: [{ method: 'POST', url: () => '/open311/v2/requests.xml', form: form311, type: MEDIA_TYPES.xml }],
  open311GetServiceDefinition: [
    { url: () => '/open311/v2/services/labour.json', type: MEDIA_TYPES.json },
    { url: () => '/open311/v2/services/labour.xml', type: MEDIA_TYPES.xml },
  ],
  open311GetRequest: [
    { url: () => `/open311/v2/requests/${data.open311Code}.json`, type: MEDIA_TYPES.json },
    { url: () => `/open311/v2/requests/${data.open311Code}.xml`, type: MEDIA_TYPES.xml },
  ],
  open311GetRequestByToken: [
    { url: () => `/open311/v2/tokens/${data.open311Token}.json`, type: MEDIA_TYPES.json },
    { url: () => `/open311/v2/tokens/${data.open311Token}.xml`, type: MEDIA_TYPES.xml },
  ],
};
/** A stream never ends, so inject cannot answer it: it is read over a real connection instead. */
const STREAMS: Record<string, { as: string; path: string; type: string }> = {
  streamLiveEvents: { as: 'dispatcher', path: '/api/live/events', type: MEDIA_TYPES.eventStream },
};

/** The bytes are of the type the header names (file-type reads them); text answers start as their type does. */
async function expectBytesOf(type: string, body: Buffer) {
  expect(body.length).toBeGreaterThan(0);
  if (type === MEDIA_TYPES.json) return void JSON.parse(body.toString('utf8'));
  if (type === MEDIA_TYPES.xml) return expect(body.toString('utf8')).toMatch(/^<\?xml /);
  if (type === MEDIA_TYPES.html) return expect(body.toString('utf8')).toMatch(/^<!doctype html>/i);
  expect((await fileTypeFromBuffer(body))?.mime).toBe(type);
}

describe('file answers', () => {
  it('has a call here for every operation the document says answers a file', () => {
    const declared = [...fileOperations().keys()].sort();
    expect(declared).toEqual([...Object.keys(FILE_CALLS), ...Object.keys(STREAMS)].sort());
  });

  for (const [operationId, calls] of Object.entries(FILE_CALLS)) {
    it(`${operationId} answers exactly the type it declares`, async () => {
      const declared = fileOperations().get(operationId)!;
      for (const call of calls) {
        expect(declared).toContain(call.type);
        const res = await ctx.app.inject({
          method: call.method ?? 'GET',
          url: call.url(),
          headers: {
            ...(call.as ? { cookie: cookies[call.as]! } : {}),
            ...(call.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          ...(call.form ? { payload: new URLSearchParams(call.form()).toString() } : {}),
        });
        expect(res.statusCode, `${call.url()} ${res.body.slice(0, 300)}`).toBeLessThan(300);
        expect(mediaTypeOf(res.headers['content-type']), call.url()).toBe(call.type);
        await expectBytesOf(call.type, res.rawPayload);
      }
    });
  }

  for (const [operationId, stream] of Object.entries(STREAMS)) {
    it(`${operationId} answers exactly the type it declares`, async () => {
      expect(fileOperations().get(operationId)).toEqual([stream.type]);
      const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
      const abort = new AbortController();
      try {
        const res = await fetch(`${address}${stream.path}`, { headers: { cookie: cookies[stream.as]! }, signal: abort.signal });
        expect(res.status).toBe(200);
        expect(mediaTypeOf(res.headers.get('content-type'))).toBe(stream.type);
        const reader = res.body!.getReader();
        expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^retry: \d+/);
      } finally {
        abort.abort();
      }
    });
  }
});

/** Values for the path and query parameters of the GET sweep: real ids where the test has them. */
function valueFor(name: string, schema: { format?: string; enum?: string[]; type?: string } | undefined): string {
  const known: Record<string, string> = {
    id: data.mediationCaseId,
    caseId: data.mediationCaseId,
    attachmentId: data.attachmentId,
    recordingId: data.recordingId,
    stage: 'reply',
    unitId: data.unitId,
    date: today,
    from: yearStart,
    to: today,
    month: today.slice(0, 7),
    year: today.slice(0, 4),
  };
  if (known[name]) return known[name];
  if (schema?.enum?.length) return schema.enum[0]!;
  if (schema?.format === 'date') return today;
  if (schema?.format === 'uuid') return data.mediationCaseId;
  if (schema?.type === 'integer' || schema?.type === 'number') return '1';
  if (schema?.type === 'boolean') return 'true';
  return 'x';
}

describe('JSON answers', () => {
  // As the admin, or — where the admin is refused (counselling, the grid app) — as a role the operation serves,
  // so that most answers are the operation's own and not an error.
  it('every GET the document declares as JSON answers JSON', async () => {
    const wrong: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      const op = ops.get;
      if (!op || fileOperations().has(op.operationId!)) continue;
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) =>
        encodeURIComponent(valueFor(name, op.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema)),
      );
      const query = new URLSearchParams();
      for (const p of op.parameters ?? []) if (p.in === 'query' && p.required) query.set(p.name, valueFor(p.name, p.schema));
      let res = await ctx.app.inject({ method: 'GET', url: `${url}${query.size ? `?${query}` : ''}`, headers: { cookie: cookies.admin! } });
      for (const role of ['counsellor', 'grid']) {
        if (res.statusCode === 403)
          res = await ctx.app.inject({ method: 'GET', url: `${url}${query.size ? `?${query}` : ''}`, headers: { cookie: cookies[role]! } });
      }
      const type = mediaTypeOf(res.headers['content-type']);
      if (type !== MEDIA_TYPES.json) wrong.push(`${op.operationId} ${url} → ${res.statusCode} ${type}`);
    }
    expect(wrong).toEqual([]);
  });

  // Runs last: it reads every answer the tests above received.
  it('every answer this file received has a type its operation declares for that status (an undeclared error: JSON)', () => {
    const wrong: string[] = [];
    for (const answer of answers) {
      if (!answer.route) continue;
      const route = { method: answer.method, url: answer.route };
      if (isOutsideTheApi(route)) continue;
      const op = operationOf(answer.method, answer.route)!;
      const declared = declaredTypes(op, answer.status);
      const type = mediaTypeOf(answer.contentType);
      const label = `${op.operationId} → ${answer.status} ${type}`;
      if (answer.status < 400 && declared === undefined) wrong.push(`${label}: status not declared`);
      else if (answer.status === 204 || (declared !== undefined && declared.length === 0)) {
        if (type !== undefined) wrong.push(`${label}: a body where none is declared`);
      } else if (!(declared ?? [MEDIA_TYPES.json]).includes(type!))
        wrong.push(`${label}: declared ${declared?.join(', ') ?? 'JSON errors'}`);
    }
    expect(answers.length).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });
});
