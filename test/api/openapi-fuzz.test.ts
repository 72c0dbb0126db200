import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/shared/calendar.js';
import { buildCaseBody } from '../../src/server/modules/cases/cases.factory.js';
import { signIn, startTestApp, type TestContext } from '../support/app.js';

/**
 * Every operation of /api/openapi.json, as the admin, as the two roles that may do most to cases (dispatcher,
 * reception) and as nobody, with a table of hostile values in every parameter and body field and with bodies of
 * the wrong kind: no answer may be a 5xx, and a refused request may change nothing (row counts and the newest row
 * version of every table are compared). Bounded: one request per profile, operation and role, about 4,000 in all.
 */

// Streams that never end (server-sent events) cannot be answered by inject.
const EXCLUDED = new Set(['GET /api/live/events']);
// Signing out would leave the rest of a role's run anonymous; nobody's sign-out is fuzzed instead.
const EXCLUDED_SIGNED_IN = new Set(['POST /api/auth/logout']);
const ROLES = ['admin', 'dispatcher', 'reception', 'anonymous'] as const;

interface Profile {
  name: string;
  string: string;
  number: number;
  uuid: (realId: string) => string;
  date: string;
}
const today = shanghaiDate(new Date());
const PROFILES: Profile[] = [
  { name: 'NUL', string: 'a\u0000b', number: 1e308, uuid: () => 'a\u0000b', date: 'a\u0000b' },
  { name: '100k characters', string: 'x'.repeat(100_000), number: -1, uuid: () => 'not-a-uuid', date: '2001-02-30' },
  // Valid text beyond the BMP and with direction marks, in an otherwise valid request: reaches the handlers.
  { name: 'astral and RTL', string: '𠈌秀兰😀\u202Eبدر\u200F', number: 1, uuid: (id) => id, date: today },
  {
    name: 'half a surrogate',
    string: '\uD800x',
    number: 2 ** 53 + 1,
    uuid: () => '00000000-0000-0000-0000-000000000000',
    date: '0000-00-00',
  },
  {
    name: 'SQL and markup',
    string: `'; drop table cases; -- <script>alert(1)</script> ../../etc/passwd`,
    number: -1e308,
    uuid: (id) => id,
    date: today,
  },
  { name: 'empty', string: '', number: 0, uuid: (id) => id, date: '' },
];

type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  nullable?: boolean;
};

/** A value of `schema`'s shape with the profile's hostile values in it (enums and booleans stay valid, so the rest is checked). */
function fill(schema: Schema | undefined, p: Profile, realId: string, depth = 0): unknown {
  if (!schema || depth > 8) return p.string;
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fill(options.find((o) => o.type !== 'null') ?? options[0], p, realId, depth + 1);
  if (schema.allOf?.length) return fill(Object.assign({}, ...schema.allOf), p, realId, depth + 1);
  if (schema.enum) return schema.enum[0];
  const type = [schema.type].flat().find((t) => t !== 'null');
  if (type === 'object' || schema.properties)
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, fill(v, p, realId, depth + 1)]));
  if (type === 'array') return [fill(schema.items, p, realId, depth + 1)];
  if (type === 'integer' || type === 'number') return p.number;
  if (type === 'boolean') return true;
  if (schema.format === 'uuid') return p.uuid(realId);
  if (schema.format === 'date') return p.date;
  if (schema.format === 'date-time') return p.date === today ? new Date().toISOString() : p.string;
  return p.string;
}

interface Operation {
  method: string;
  path: string;
  parameters: { in: string; name: string; schema?: Schema }[];
  body?: Schema;
}

let ctx: TestContext;
const cookies: Record<string, string> = {};
let caseId = '';
let operations: Operation[] = [];
let fingerprintSql = '';
let lastXid = '';

/** Every table's row count and newest row version (xmin), but the rate-limit counters, which count refusals by design. */
async function fingerprint(): Promise<string> {
  const { rows } = await ctx.database.pool.query(fingerprintSql);
  return JSON.stringify(rows[0]);
}
/** The next transaction id: unchanged means no transaction wrote anything, and the full fingerprint can be skipped. */
async function nextXid(): Promise<string> {
  return (await ctx.database.pool.query('select pg_snapshot_xmax(pg_current_snapshot())::text as x')).rows[0].x;
}

beforeAll(async () => {
  // A database of its own: the fingerprint must see only this file's requests.
  ctx = await startTestApp({ isolated: true });
  for (const role of ROLES) if (role !== 'anonymous') cookies[role] = await signIn(ctx.app, role);
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: cookies.reception!, 'idempotency-key': crypto.randomUUID() },
    payload: buildCaseBody(),
  });
  caseId = created.json().id;
  const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<
      string,
      Record<string, { parameters?: Operation['parameters']; requestBody?: { content: Record<string, { schema: Schema }> } }>
    >;
  };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content['application/json']?.schema,
    })),
  );
  const tables = (
    await ctx.database.pool.query(
      `select tablename from pg_tables where schemaname = 'public' and tablename not in ('rate_limit_counters', '__drizzle_migrations') order by 1`,
    )
  ).rows.map((r) => r.tablename as string);
  fingerprintSql = `select ${tables.map((t) => `(select count(*) || ':' || coalesce(max(xmin::text::bigint), 0) from "${t}") as "${t}"`).join(', ')}`;
}, 120_000);
afterAll(() => ctx?.close());

/** Percent-encoded; half a surrogate pair (no UTF-8 of its own) as the bytes a careless encoder makes of it. */
const encodePathSegment = (value: string) =>
  value
    .split(/([\uD800-\uDFFF])/)
    .map((part) => (/^[\uD800-\uDFFF]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');

function requestsFor(op: Operation, cookie: string | undefined) {
  const out: { label: string; method: string; url: string; headers: Record<string, string>; payload?: string }[] = [];
  const base = { ...(cookie ? { cookie } : {}) };
  const hasBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(op.method);
  for (const p of PROFILES) {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const schema = op.parameters.find((x) => x.in === 'path' && x.name === name)?.schema;
      return encodePathSegment(String(fill(schema, p, caseId)));
    });
    const query = new URLSearchParams();
    const headers: Record<string, string> = { ...base };
    for (const param of op.parameters) {
      if (param.in === 'query') query.set(param.name, String(fill(param.schema, p, caseId)));
      // Header values must be Latin-1 on the wire: the profile shows in their length and name only.
      if (param.in === 'header')
        headers[param.name] = p.name === '100k characters' ? 'x'.repeat(8000) : `fuzz-${p.name.replace(/\W/g, '')}-${crypto.randomUUID()}`;
    }
    const url = `${path}${query.size ? `?${query}` : ''}`;
    if (op.body)
      out.push({
        label: p.name,
        method: op.method,
        url,
        headers: { ...headers, 'content-type': 'application/json' },
        payload: JSON.stringify(fill(op.body, p, caseId)),
      });
    else out.push({ label: p.name, method: op.method, url, headers });
  }
  if (hasBody) {
    const url = op.path.replace(/\{\w+\}/g, caseId);
    out.push({ label: 'text/plain body', method: op.method, url, headers: { ...base, 'content-type': 'text/plain' }, payload: 'x' });
    out.push({
      label: 'multipart without boundary',
      method: op.method,
      url,
      headers: { ...base, 'content-type': 'multipart/form-data' },
      payload: 'x',
    });
    out.push({ label: 'broken JSON', method: op.method, url, headers: { ...base, 'content-type': 'application/json' }, payload: '{"a":' });
  }
  return out;
}

describe('every operation of the OpenAPI document under hostile input', () => {
  it('covers the whole document', () => {
    expect(operations.length).toBeGreaterThan(100);
  });

  for (const role of ROLES) {
    it(`answers no 5xx and changes nothing it refuses, as ${role}`, { timeout: 120_000 }, async () => {
      const failures: string[] = [];
      let before = await fingerprint();
      lastXid = await nextXid();
      for (const op of operations) {
        const key = `${op.method} ${op.path}`;
        if (EXCLUDED.has(key) || (role !== 'anonymous' && EXCLUDED_SIGNED_IN.has(key))) continue;
        for (const req of requestsFor(op, cookies[role])) {
          const res = await ctx.app.inject({
            method: req.method as 'GET',
            url: req.url,
            headers: req.headers,
            ...(req.payload !== undefined ? { payload: req.payload } : {}),
          });
          if (res.statusCode >= 500) failures.push(`${key} [${req.label}] → ${res.statusCode} ${res.body.slice(0, 200)}`);
          const xid = await nextXid();
          if (xid === lastXid) continue;
          lastXid = xid;
          const after = await fingerprint();
          if (res.statusCode >= 400 && after !== before) failures.push(`${key} [${req.label}] → ${res.statusCode} but the data changed`);
          before = after;
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
