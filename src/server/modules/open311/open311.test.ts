import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaseBody } from '../cases/cases.factory.js';
import { actOnCaseOk, signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

/** The GeoReport v2 response schemas (open311/schema-validation), copied into test/fixtures. */
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
for (const name of ['request', 'requests', 'service', 'services', 'service-definition']) {
  const schema = JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/open311-georeport-v2/${name}.schema.json`, import.meta.url), 'utf8'),
  );
  ajv.addSchema(schema, `${name}.json`);
}
function expectValid(schema: string, value: unknown) {
  const validate = ajv.getSchema(`${schema}.json`)!;
  const ok = validate(value);
  expect(validate.errors ?? [], JSON.stringify(value).slice(0, 500)).toEqual([]);
  expect(ok).toBe(true);
}
const xml = new XMLParser({ isArray: (name) => ['service', 'request', 'error', 'endpoint', 'format'].includes(name) });

let ctx: TestContext;
let apiKey = '';
let dispatcher = '';

beforeAll(async () => {
  ctx = await startTestApp();
  const admin = await signIn(ctx.app, 'admin');
  dispatcher = await signIn(ctx.app, 'dispatcher');
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/admin/api-clients',
    headers: { cookie: admin },
    payload: { name: '市民随手拍 Open311 应用', channels: ['online'] },
  });
  apiKey = res.json().apiKey;
});
afterAll(() => ctx.close());

const get = (url: string) => ctx.app.inject({ method: 'GET', url });
const postForm = (format: 'json' | 'xml', fields: Record<string, string>) =>
  ctx.app.inject({
    method: 'POST',
    url: `/open311/v2/requests.${format}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });

const request = (overrides: Record<string, string> = {}) => ({
  api_key: apiKey,
  service_code: 'neighbourhood',
  lat: '35.2391',
  long: '113.2415',
  address_string: '文苑街道东方社区5号楼',
  first_name: '小明',
  last_name: '王',
  phone: '13900001111',
  description: `楼上装修每天早上六点开始施工，噪音扰民 ${randomUUID()}`,
  ...overrides,
});

describe('Open311 GeoReport v2', () => {
  it('lists the case categories as services, in JSON and in XML', async () => {
    const json = await get('/open311/v2/services.json');
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toContain('application/json');
    expectValid('services', json.json());
    expect(json.json()).toContainEqual(
      expect.objectContaining({ service_code: 'labour', service_name: '劳动争议', metadata: false, type: 'realtime' }),
    );

    const res = await get('/open311/v2/services.xml');
    expect(res.headers['content-type']).toContain('text/xml');
    expect(XMLValidator.validate(res.body)).toBe(true);
    const parsed = xml.parse(res.body);
    expect(parsed.services.service.length).toBe(json.json().length);
    expect(Object.keys(parsed.services.service[0])).toEqual([
      'service_code',
      'service_name',
      'description',
      'metadata',
      'type',
      'keywords',
      'group',
    ]);

    const definition = await get('/open311/v2/services/labour.json');
    expectValid('service-definition', definition.json());
    expect(xml.parse((await get('/open311/v2/services/labour.xml')).body).service_definition.service_code).toBe('labour');
    expect((await get('/open311/v2/services/nonsense.json')).statusCode).toBe(404);
  });

  it('files a request with an api key and returns its id and token; the same POST twice is one case', async () => {
    const fields = request();
    const res = await postForm('json', fields);
    expect(res.statusCode, res.body).toBe(201);
    const [created] = res.json();
    expect(created.service_request_id).toMatch(/^410871-\d{4}-\d{6}$/);
    const again = await postForm('json', fields);
    expect(again.json()[0].service_request_id).toBe(created.service_request_id);
    const { rows } = await ctx.database.pool.query(`select channel, category, place_lat, place_lng from cases where code = $1`, [
      created.service_request_id,
    ]);
    expect(rows).toEqual([{ channel: 'online', category: 'neighbourhood', place_lat: 35.2391, place_lng: 113.2415 }]);

    const token = await get(`/open311/v2/tokens/${created.token}.json`);
    expect(token.json()).toEqual([{ service_request_id: created.service_request_id, token: created.token }]);

    const xmlRes = await postForm('xml', request());
    expect(xmlRes.statusCode).toBe(201);
    expect(XMLValidator.validate(xmlRes.body)).toBe(true);
    expect(xml.parse(xmlRes.body).service_requests.request[0].service_request_id).toMatch(/^410871-/);
  });

  it('answers a POST missing a required attribute, or without a valid api key, with the specified error', async () => {
    const noCode = await postForm('json', request({ service_code: '' }));
    expect(noCode.statusCode).toBe(400);
    expect(noCode.json()).toEqual([{ code: 400, description: expect.stringContaining('service_code') }]);

    const { lat: _lat, long: _long, address_string: _a, ...noPlace } = request();
    const noLocation = await postForm('xml', noPlace);
    expect(noLocation.statusCode).toBe(400);
    expect(XMLValidator.validate(noLocation.body)).toBe(true);
    expect(xml.parse(noLocation.body).errors.error[0]).toMatchObject({ code: 400, description: expect.stringContaining('address_string') });

    const noKey = await postForm('json', request({ api_key: '' }));
    expect(noKey.statusCode).toBe(403);
    expect(noKey.json()[0].code).toBe(403);
    const badKey = await postForm('json', request({ api_key: 'fq_wrong' }));
    expect(badKey.statusCode).toBe(403);
  });

  it('lists and shows requests with status, dates, agency and the deadline as expected_datetime', async () => {
    const [created] = (await postForm('json', request({ service_code: 'property_management' }))).json();
    const one = await get(`/open311/v2/requests/${created.service_request_id}.json`);
    expect(one.statusCode).toBe(200);
    expectValid('requests', one.json());
    const [r] = one.json();
    expect(r).toMatchObject({
      service_request_id: created.service_request_id,
      status: 'open',
      service_code: 'property_management',
      lat: 35.2391,
      long: 113.2415,
    });
    expect(r.expected_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T23:59:59\+08:00$/);
    // No party's name or phone is published.
    expect(one.body).not.toMatch(/王小明|13900001111/);

    const list = await get(`/open311/v2/requests.json?service_code=property_management&status=open`);
    expectValid('requests', list.json());
    expect(list.json().map((x: { service_request_id: string }) => x.service_request_id)).toContain(created.service_request_id);
    const closedOnly = await get(`/open311/v2/requests.json?service_request_id=${created.service_request_id}&status=closed`);
    // service_request_id overrides the other filters.
    expect(closedOnly.json()).toHaveLength(1);
    const listXml = await get(`/open311/v2/requests.xml?service_code=property_management`);
    expect(XMLValidator.validate(listXml.body)).toBe(true);
    expect(Object.keys(xml.parse(listXml.body).service_requests.request[0])).toEqual(
      expect.arrayContaining(['service_request_id', 'status', 'requested_datetime', 'expected_datetime']),
    );

    // Rejected at the centre → closed.
    const caseRow = await ctx.database.pool.query('select id from cases where code = $1', [created.service_request_id]);
    await actOnCaseOk(ctx.app, { cookie: dispatcher, readerCookie: dispatcher }, caseRow.rows[0].id, {
      action: 'reject',
      reason: '不属于矛盾纠纷，已告知向物业反映',
    });
    const after = (await get(`/open311/v2/requests/${created.service_request_id}.json`)).json()[0];
    expect(after).toMatchObject({ status: 'closed', status_notes: '不予受理', expected_datetime: null });
    const closed = await get(`/open311/v2/requests.json?service_code=property_management&status=closed`);
    expect(closed.json().map((x: { service_request_id: string }) => x.service_request_id)).toContain(created.service_request_id);
  });

  it('does not publish cases that did not come through Open311, and rejects bad parameters', async () => {
    const walkIn = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: await signIn(ctx.app, 'reception'), 'idempotency-key': randomUUID() },
      payload: buildCaseBody(),
    });
    expect((await get(`/open311/v2/requests/${walkIn.json().code}.json`)).statusCode).toBe(404);
    const bad = await get('/open311/v2/requests.json?start_date=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()[0].code).toBe(400);
    expect((await get('/open311/v2/requests.json?status=pending')).statusCode).toBe(400);
    expect((await get('/open311/v2/services.json?jurisdiction_id=110000')).statusCode).toBe(404);
    const unknown = await get('/open311/v2/nothing-here.xml');
    expect(unknown.statusCode).toBe(404);
    expect(XMLValidator.validate(unknown.body)).toBe(true);
  });

  it('serves a discovery document', async () => {
    const res = await get('/open311/v2/discovery.json');
    expect(res.json().endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      formats: ['text/xml', 'application/json'],
    });
    const x = xml.parse((await get('/open311/v2/discovery.xml')).body);
    expect(x.discovery.endpoints.endpoint[0].formats.format).toEqual(['text/xml', 'application/json']);
  });
});
