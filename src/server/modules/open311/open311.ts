import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, isNull, like, lte, notInArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { CLOSED_STATUSES } from '../../../shared/case-lifecycle.js';
import { CATEGORIES, type Category } from '../../../shared/enums.js';
import { isValidPhone, normalizePhone } from '../../../shared/identifiers.js';
import { line, paragraph, token } from '../../../shared/schemas/text.js';
import { zhCN } from '../../../shared/locales/zh-CN.js';
import type { CreateCaseBody } from '../../../shared/schemas/cases.js';
import type { WorkCalendar } from '../../../shared/calendar.js';
import type { Db } from '../../db/client.js';
import { caseClocks, cases, units } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { CaseRow } from '../case-access/case-row.js';
import { registerCase } from '../case-access/register-case.js';
import type { ApiClientRow } from '../integrations/api-clients.repository.js';
import { systemActorById } from '../integrations/system-actors.js';

/** An error in GeoReport's own shape: `[{ code, description }]`, with the HTTP status as the code. */
export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    readonly description: string,
  ) {
    super(description);
  }
}

/** Each case category is a service; all are realtime (the case exists when the POST returns). */
export function listServices() {
  return CATEGORIES.map((code) => ({
    service_code: code,
    service_name: zhCN[`category.${code}`],
    description: `${zhCN[`category.${code}`]}类矛盾纠纷，由综治中心受理并分流化解`,
    metadata: false,
    type: 'realtime' as const,
    keywords: [zhCN[`category.${code}`], '矛盾纠纷'].join(','),
    group: zhCN['kind.dispute'],
  }));
}

export function findService(code: string) {
  const service = listServices().find((s) => s.service_code === code);
  if (!service) throw new Open311Error(404, `service_code ${code} not found / 服务类型不存在`);
  return service;
}

/** Settled from the resident's side: GeoReport's `closed`. Everything else is still `open`. */

/** Requests filed through GeoReport carry this prefix on their external reference; only they are listed publicly. */
const REF_PREFIX = 'open311:';

// GeoReport parameters go through the text type too (a NUL would reach PostgreSQL or break the XML answer); an empty
// parameter counts as absent, as form-encoded clients send them.
const optionalText = (max: number) =>
  line(max, { min: 0 })
    .optional()
    .transform((v) => (v ? v : undefined));
const optionalParagraph = (max: number) =>
  paragraph(max, { min: 0 })
    .optional()
    .transform((v) => (v ? v : undefined));
const optionalToken = (max: number) =>
  token(max, { min: 0 })
    .optional()
    .transform((v) => (v ? v : undefined));

/** What every GeoReport call may carry in its query. */
export const jurisdictionQuerySchema = z.object({ jurisdiction_id: optionalText(40) });

/** The name in a path (`requests/{id}.json`, `tokens/{token}.xml`, `services/{code}.json`). */
export const pathNameSchema = line(100);

export const postRequestSchema = z.object({
  api_key: optionalToken(200),
  jurisdiction_id: optionalText(40),
  service_code: optionalText(40),
  lat: z.coerce.number().min(-90).max(90).optional(),
  long: z.coerce.number().min(-180).max(180).optional(),
  address_string: optionalText(200),
  address_id: optionalText(100),
  email: optionalText(200),
  device_id: optionalText(200),
  account_id: optionalText(200),
  first_name: optionalText(50),
  last_name: optionalText(50),
  phone: optionalText(30),
  description: optionalParagraph(4000),
  media_url: optionalText(500),
});

/**
 * POST requests: a GeoReport service request becomes a case on the `online` channel, registered by the client's
 * system account. A repeat of the same POST within ten minutes (an app retrying after a dropped connection) is the
 * same case.
 */
export async function fileServiceRequest(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  calendar: WorkCalendar;
  client: ApiClientRow;
  input: z.infer<typeof postRequestSchema>;
}) {
  const { db, crypto, calendar, client, input } = opts;
  if (!input.service_code) throw new Open311Error(400, 'service_code is required / 缺少服务类型');
  const service = findService(input.service_code);
  const hasPosition = input.lat !== undefined && input.long !== undefined;
  if (!hasPosition && !input.address_string && !input.address_id) {
    throw new Open311Error(400, 'lat/long, address_string or address_id is required / 缺少位置');
  }
  if (!client.channels.includes('online')) throw new Open311Error(403, 'api_key may not file online requests / 该密钥无权提交网上诉求');
  const phone = input.phone ? normalizePhone(input.phone) : undefined;
  if (phone !== undefined && !isValidPhone(phone))
    throw new Open311Error(400, 'phone is not a valid mainland mobile or fixed-line number / 电话号码格式不正确');
  const name = [input.last_name, input.first_name].filter(Boolean).join('') || '匿名群众';
  const description = input.description ?? service.service_name;
  const narrative = input.media_url ? `${description}\n（附件链接：${input.media_url}）` : description;
  const body: CreateCaseBody = {
    channel: 'online',
    kind: 'dispute',
    category: service.service_code as Category,
    summary: Array.from(description.replace(/\s+/g, ' ')).slice(0, 60).join(''),
    narrative,
    peopleInvolved: 1,
    riskLevel: 'low',
    difficulty: 'ordinary',
    parties: [{ role: 'applicant', type: 'person', name, ...(phone ? { phone } : {}) }],
    place: {
      address: input.address_string ?? (input.address_id ? `地址编号 ${input.address_id}` : `坐标 ${input.lat}, ${input.long}`),
      ...(hasPosition ? { lat: input.lat!, lng: input.long! } : {}),
    },
  };
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([body, input.device_id ?? null, Math.floor(Date.now() / 600_000)]))
    .digest('hex')
    .slice(0, 32);
  const actor = await systemActorById(db, client.districtCode, client.userId);
  const { row } = await registerCase({
    db,
    crypto,
    calendar,
    actor,
    body,
    idempotencyKey: `open311:${fingerprint}`,
    source: { clientId: client.id, externalRef: `${REF_PREFIX}${fingerprint}` },
  });
  return row;
}

export const getRequestsSchema = z.object({
  service_request_id: optionalText(20_000),
  service_code: optionalText(1000),
  start_date: optionalText(40),
  end_date: optionalText(40),
  status: optionalText(40),
  jurisdiction_id: optionalText(40),
  api_key: optionalToken(200),
});

const MAX_RESULTS = 1000;
const DEFAULT_WINDOW_DAYS = 90;

function parseDate(value: string | undefined, name: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  // W3C date-time with a zone, as the specification asks.
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value)) {
    throw new Open311Error(400, `${name} must be an ISO 8601 date-time / 日期格式不正确`);
  }
  const d = new Date(value.length === 10 ? `${value}T00:00:00+08:00` : value);
  if (Number.isNaN(d.getTime())) throw new Open311Error(400, `${name} is not a valid date / 日期无效`);
  return d;
}

/** GET requests: the GeoReport-filed requests of the district, newest first, at most 1,000. */
export async function findServiceRequests(db: Db, districtCode: string, q: z.infer<typeof getRequestsSchema>) {
  const where: SQL[] = [eq(cases.districtCode, districtCode), like(cases.externalRef, `${REF_PREFIX}%`)];
  if (q.service_request_id) {
    // Given ids override every other filter (specification).
    const ids = q.service_request_id
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .slice(0, MAX_RESULTS);
    where.push(inArray(cases.code, ids));
  } else {
    if (q.service_code) where.push(inArray(cases.category, q.service_code.split(',').map((s) => s.trim()) as Category[]));
    const start = parseDate(q.start_date, 'start_date');
    const end = parseDate(q.end_date, 'end_date');
    if (start && end && start > end) throw new Open311Error(400, 'start_date is after end_date / 开始日期晚于结束日期');
    const from = start ?? new Date((end ?? new Date()).getTime() - DEFAULT_WINDOW_DAYS * 86_400_000);
    where.push(gte(cases.createdAt, from));
    if (end) where.push(lte(cases.createdAt, end));
    if (q.status) {
      const statuses = q.status.split(',').map((s) => s.trim().toLowerCase());
      if (statuses.some((s) => s !== 'open' && s !== 'closed'))
        throw new Open311Error(400, 'status must be open or closed / 状态只能是 open 或 closed');
      if (!statuses.includes('open')) where.push(inArray(cases.status, [...CLOSED_STATUSES]));
      if (!statuses.includes('closed')) where.push(notInArray(cases.status, [...CLOSED_STATUSES]));
    }
  }
  return db
    .select()
    .from(cases)
    .where(and(...where))
    .orderBy(desc(cases.createdAt))
    .limit(MAX_RESULTS);
}

export async function findServiceRequest(db: Db, districtCode: string, code: string) {
  const [row] = await db
    .select()
    .from(cases)
    .where(and(eq(cases.districtCode, districtCode), eq(cases.code, code), like(cases.externalRef, `${REF_PREFIX}%`)));
  if (!row) throw new Open311Error(404, `service_request_id ${code} not found / 诉求不存在`);
  return row;
}

export async function findByToken(db: Db, districtCode: string, token: string) {
  const [row] = await db
    .select({ code: cases.code, trackingToken: cases.trackingToken })
    .from(cases)
    .where(
      and(eq(cases.districtCode, districtCode), eq(cases.trackingToken, token.toUpperCase()), like(cases.externalRef, `${REF_PREFIX}%`)),
    );
  if (!row) throw new Open311Error(404, `token ${token} not found / 查询码不存在`);
  return { service_request_id: row.code, token: row.trackingToken };
}

/** End of the due day in Asia/Shanghai, as a date-time with its zone. */
const endOfShanghaiDay = (date: string) => `${date}T23:59:59+08:00`;

/** The GeoReport view of a case: no party names, phones or ID numbers; the requester's own words and place. */
export async function presentServiceRequests(db: Db, rows: CaseRow[]) {
  if (rows.length === 0) return [];
  const d = rows[0]!.districtCode;
  const ids = rows.map((r) => r.id);
  const unitIds = [...new Set(rows.map((r) => r.leadUnitId ?? r.unitId))];
  const [unitRows, clockRows] = await Promise.all([
    db
      .select({ id: units.id, name: units.name })
      .from(units)
      .where(and(eq(units.districtCode, d), inArray(units.id, unitIds))),
    db
      .select({ caseId: caseClocks.caseId, dueDate: caseClocks.dueDate })
      .from(caseClocks)
      .where(and(eq(caseClocks.districtCode, d), inArray(caseClocks.caseId, ids), isNull(caseClocks.stoppedAt)))
      .orderBy(asc(caseClocks.dueDate)),
  ]);
  const unitName = new Map(unitRows.map((u) => [u.id, u.name]));
  const due = new Map<string, string>();
  for (const c of clockRows) if (!due.has(c.caseId)) due.set(c.caseId, c.dueDate);
  return rows.map((r) => {
    const { status } = r;
    const isClosed = CLOSED_STATUSES.includes(status);
    const dueDate = due.get(r.id);
    return {
      service_request_id: r.code,
      status: isClosed ? ('closed' as const) : ('open' as const),
      status_notes: zhCN[`status.${status}`],
      service_name: zhCN[`category.${r.category as Category}`],
      service_code: r.category,
      description: r.narrative,
      agency_responsible: unitName.get(r.leadUnitId ?? r.unitId) ?? null,
      service_notice: null,
      requested_datetime: r.createdAt.toISOString(),
      updated_datetime: r.updatedAt.toISOString(),
      expected_datetime: dueDate && !isClosed ? endOfShanghaiDay(dueDate) : null,
      address: r.placeAddress,
      address_id: null,
      zipcode: null,
      lat: r.placeLat,
      long: r.placeLng,
      media_url: null,
    };
  });
}
