import fastifyFormbody from '@fastify/formbody';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsync } from 'fastify';
import { ZodError } from 'zod';
import { fileResponse } from '../../lib/openapi.js';
import { MEDIA_TYPES } from '../../lib/media-types.js';
import { AppError } from '../../plugins/errors.js';
import { authenticateApiKey } from '../integrations/api-clients.repository.js';
import { CONTENT_TYPES, renderXml, splitFormat, type Open311Format, type Open311Item } from './open311-format.js';
import {
  fileServiceRequest,
  findByToken,
  findService,
  findServiceRequest,
  findServiceRequests,
  getRequestsSchema,
  jurisdictionQuerySchema,
  listServices,
  Open311Error,
  pathNameSchema,
  postRequestSchema,
  presentServiceRequests,
} from './open311.js';

const FORMATS: Open311Format[] = ['json', 'xml'];

function send(
  reply: FastifyReply,
  format: Open311Format,
  status: number,
  root: string,
  item: string | null,
  value: Open311Item | Open311Item[],
) {
  reply.status(status).type(CONTENT_TYPES[format]);
  return reply.send(format === 'json' ? JSON.stringify(value) : renderXml(root, item, value));
}

const formatOf = (request: FastifyRequest): Open311Format => (/\.xml(\?|$)/i.test(request.url) ? 'xml' : 'json');

const MEDIA_OF: Record<Open311Format, string> = { json: MEDIA_TYPES.json, xml: MEDIA_TYPES.xml };
const SUFFIX: Record<Open311Format, string> = { json: 'Json', xml: 'Xml' };

/**
 * The OpenAPI entry of a GeoReport operation: its id, and its answer and errors in the formats the path allows
 * (the bodies follow the GeoReport v2 specification, not a zod schema).
 */
function geoReport(operationId: string, summary: string, formats: Open311Format[], status: 200 | 201 = 200) {
  const mediaTypes = formats.map((f) => MEDIA_OF[f]);
  return {
    operationId,
    tags: ['open311'],
    summary,
    response: {
      [status]: fileResponse({ description: `GeoReport v2 ${formats.join(' / ')}`, mediaTypes }),
      '4xx': fileResponse({ description: 'GeoReport errors (`errors` of `error` items with code and description)', mediaTypes }),
    },
  };
}

/**
 * Open311 GeoReport v2 at `/open311/v2/`: residents' apps built for GeoReport file and follow requests here
 * unchanged. Both formats by suffix; errors in GeoReport's shape; POST needs an `api_key` from the admin's register of
 * connected systems (channel `online`). Served in Fastify's own routes, outside the zod schemas: GeoReport's
 * parameter names and error shape are fixed by the specification.
 */
export const open311Routes: FastifyPluginAsync = async (app) => {
  const { db, crypto, calendar: calendarCache, config } = app.deps;
  const districtCode = config.DISTRICT_CODE;
  await app.register(fastifyFormbody);

  app.setNotFoundHandler((request, reply) =>
    send(reply, formatOf(request), 404, 'errors', 'error', [{ code: 404, description: 'not found / 地址不存在' }]),
  );
  app.setErrorHandler((err: Error & { statusCode?: number }, request, reply) => {
    const format = formatOf(request);
    let status = 500;
    let description = 'internal error / 服务器内部错误';
    if (err instanceof Open311Error) [status, description] = [err.status, err.description];
    else if (err instanceof AppError && err.code === 'API_KEY_INVALID')
      [status, description] = [403, 'api_key is missing or not valid / 接口密钥无效'];
    else if (err instanceof AppError && err.status < 500)
      [status, description] = [err.status === 404 || err.status === 415 ? err.status : 400, err.code];
    else if (err instanceof ZodError) [status, description] = [400, err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')];
    else if (err.statusCode && err.statusCode < 500) [status, description] = [400, err.message];
    else request.log.error({ err }, 'open311 error');
    return send(reply, format, status, 'errors', 'error', [{ code: status, description }]);
  });

  // Parses the query through the text type (a ZodError is a GeoReport 400) and checks the jurisdiction.
  const checkJurisdiction = (rawQuery: unknown) => {
    const query = jurisdictionQuerySchema.parse(rawQuery);
    if (query.jurisdiction_id && query.jurisdiction_id !== districtCode) {
      throw new Open311Error(404, `jurisdiction_id ${query.jurisdiction_id} not served here / 不受理该辖区`);
    }
  };

  for (const format of FORMATS) {
    app.get(
      `/discovery.${format}`,
      { schema: geoReport(`open311Discovery${SUFFIX[format]}`, 'GeoReport v2 discovery', [format]) },
      async (request, reply) => {
        const base = `${request.protocol}://${request.host}/open311/v2/`;
        const value = {
          changeset: '2026-11-27T00:00:00+08:00',
          contact: '平安建设促进中心（综治中心）信息化管理员',
          key_service: '向综治中心管理员申请接口密钥（系统管理 → 接入系统）',
          endpoints: [
            {
              specification: 'http://wiki.open311.org/GeoReport_v2',
              url: base,
              changeset: '2026-11-27T00:00:00+08:00',
              type: 'production',
              formats: ['text/xml', 'application/json'],
            },
          ],
        };
        if (format === 'json') return send(reply, format, 200, '', null, value);
        return send(reply, format, 200, 'discovery', null, {
          ...value,
          endpoints: { endpoint: value.endpoints.map((e) => ({ ...e, formats: { format: e.formats } })) },
        });
      },
    );

    app.get(
      `/services.${format}`,
      { schema: geoReport(`open311ListServices${SUFFIX[format]}`, 'GeoReport v2 service list', [format]) },
      async (request, reply) => {
        checkJurisdiction(request.query);
        return send(reply, format, 200, 'services', 'service', listServices());
      },
    );

    app.get(
      `/requests.${format}`,
      { schema: geoReport(`open311ListRequests${SUFFIX[format]}`, 'GeoReport v2 requests filed through Open311', [format]) },
      async (request, reply) => {
        const query = getRequestsSchema.parse(request.query);
        checkJurisdiction(query);
        const rows = await findServiceRequests(db, districtCode, query);
        return send(reply, format, 200, 'service_requests', 'request', await presentServiceRequests(db, rows));
      },
    );

    // Authenticated by its api_key, never by a cookie: no cross-site check (a resident's web app may post from its own origin).
    app.post(
      `/requests.${format}`,
      {
        config: { accepts: ['application/x-www-form-urlencoded', 'application/json'], csrf: false },
        schema: geoReport(`open311CreateRequest${SUFFIX[format]}`, 'GeoReport v2 new request (api_key)', [format], 201),
      },
      async (request, reply) => {
        const input = postRequestSchema.parse({ ...(request.query as object), ...((request.body as object | undefined) ?? {}) });
        checkJurisdiction(input);
        if (!input.api_key) throw new Open311Error(403, 'api_key is required / 缺少接口密钥');
        const client = await authenticateApiKey(db, input.api_key);
        const row = await fileServiceRequest({ db, crypto, calendar: await calendarCache.get(), client, input });
        const answer = [
          {
            service_request_id: row.code,
            token: row.trackingToken,
            service_notice: '已登记，综治中心将在法定期限内受理并告知办理进展',
            account_id: null,
          },
        ];
        return send(reply, format, 201, 'service_requests', 'request', answer);
      },
    );
  }

  const withFormat = (segment: string) => {
    const split = splitFormat(segment);
    if (!split) throw new Open311Error(404, 'use the .json or .xml suffix / 请使用 .json 或 .xml 后缀');
    return { ...split, name: pathNameSchema.parse(split.name) };
  };

  app.get<{ Params: { file: string } }>(
    '/services/:file',
    { schema: geoReport('open311GetServiceDefinition', 'GeoReport v2 service definition (`{service_code}.json` or `.xml`)', FORMATS) },
    async (request, reply) => {
      const { name, format } = withFormat(request.params.file);
      checkJurisdiction(request.query);
      findService(name);
      // No service asks for extra attributes (metadata=false): the definition is the code and an empty list.
      return send(reply, format, 200, 'service_definition', null, { service_code: name, attributes: [] });
    },
  );

  app.get<{ Params: { file: string } }>(
    '/requests/:file',
    { schema: geoReport('open311GetRequest', 'GeoReport v2 one request (`{service_request_id}.json` or `.xml`)', FORMATS) },
    async (request, reply) => {
      const { name, format } = withFormat(request.params.file);
      checkJurisdiction(request.query);
      const row = await findServiceRequest(db, districtCode, name);
      return send(reply, format, 200, 'service_requests', 'request', await presentServiceRequests(db, [row]));
    },
  );

  app.get<{ Params: { file: string } }>(
    '/tokens/:file',
    { schema: geoReport('open311GetRequestByToken', 'GeoReport v2 request id of a token (`{token}.json` or `.xml`)', FORMATS) },
    async (request, reply) => {
      const { name, format } = withFormat(request.params.file);
      checkJurisdiction(request.query);
      return send(reply, format, 200, 'service_requests', 'request', [await findByToken(db, districtCode, name)]);
    },
  );
};
