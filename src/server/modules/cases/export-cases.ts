import { and, eq, inArray } from 'drizzle-orm';
import { formatShanghaiDateTime, type WorkCalendar } from '../../../shared/calendar.js';
import { zhCN } from '../../../shared/locales/zh-CN.js';
import type { ListCasesQuery } from '../../../shared/schemas/cases.js';
import type { Db } from '../../db/client.js';
import { accessLog, caseParties } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { buildWorkbook, type Sheet } from '../../lib/workbook.js';
import { COUNT_CAP, listCases } from './cases.repository.js';

const zh = (key: string) => (zhCN as Record<string, string>)[key] ?? key;

/** What the list's filters were, in words, printed on the sheet. */
function describeFilters(q: ListCasesQuery): string[] {
  const out: string[] = [];
  if (q.figure)
    out.push(`指标：${zh(`measure.${q.figure}`) === `measure.${q.figure}` ? zh(`figure.${q.figure}`) : zh(`measure.${q.figure}`)}`);
  if (q.from || q.to) out.push(`${q.figure ? '统计期间' : '登记日期'}：${q.from ?? '…'} 至 ${q.to ?? '…'}`);
  for (const [k, group] of [
    ['status', 'status'],
    ['kind', 'kind'],
    ['channel', 'channel'],
    ['category', 'category'],
  ] as const) {
    const v = q[k];
    if (v?.length) out.push(`${zh(`case.${k}`)}：${v.map((x) => zh(`${group}.${x}`)).join('、')}`);
  }
  if (q.q) out.push(`关键词：${q.q}`);
  if (q.deadline === 'overdue') out.push('仅超期');
  return out.length ? out : ['筛选：全部可见案件'];
}

/**
 * The case list with its filters applied, as an Excel file. Without `withParties` it holds no personal data; with it
 * (only for `case.exportPersonal`) it holds the parties' names and phone numbers and every person exported is logged
 * in the access log (个人信息保护法 Art.51).
 */
export async function exportCases(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  calendar: WorkCalendar;
  actor: Actor;
  query: ListCasesQuery;
  withParties: boolean;
  canExportPersonal: boolean;
  requestId: string;
  ip: string;
}): Promise<{ file: Buffer; count: number }> {
  const { db, crypto, actor, query } = opts;
  if (opts.withParties && !opts.canExportPersonal) throw new AppError('FORBIDDEN');
  const list = await listCases({ db, crypto, calendar: opts.calendar, actor, query, limit: COUNT_CAP + 1 });
  if (list.items.length > COUNT_CAP) throw new AppError('EXPORT_TOO_LARGE', { max: COUNT_CAP });

  const partiesByCase = new Map<string, string[]>();
  if (opts.withParties && list.items.length) {
    const ids = list.items.map((i) => i.id);
    // The parties as each case gives them.
    const rows = await db
      .select({
        caseId: caseParties.caseId,
        role: caseParties.role,
        personId: caseParties.personId,
        name: caseParties.name,
        phoneEnc: caseParties.phoneEnc,
      })
      .from(caseParties)
      .where(and(eq(caseParties.districtCode, actor.districtCode), inArray(caseParties.caseId, ids)))
      .orderBy(caseParties.caseId, caseParties.position);
    for (const r of rows) {
      const phone = r.phoneEnc ? crypto.decrypt(r.phoneEnc) : '';
      partiesByCase.set(r.caseId, [
        ...(partiesByCase.get(r.caseId) ?? []),
        `${zh(`partyRole.${r.role}`)}：${r.name}${phone ? ` ${phone}` : ''}`,
      ]);
    }
    const personIds = [...new Set(rows.map((r) => r.personId))];
    if (personIds.length) {
      await db.insert(accessLog).values(
        personIds.map((id) => ({
          districtCode: actor.districtCode,
          actorId: actor.id,
          entityType: 'person',
          entityId: id,
          field: 'case_export',
          purpose: '案件清单导出（含当事人）',
          requestId: opts.requestId,
          ip: opts.ip,
        })),
      );
    }
  }

  const sheet: Sheet = {
    name: '案件清单',
    title: '案件清单',
    filters: [
      ...describeFilters(query),
      `导出人：${actor.displayName}　导出时间：${formatShanghaiDateTime(new Date())}　共 ${list.items.length} 件`,
    ],
    columns: [
      { header: '案件编号', key: 'code', width: 20 },
      { header: '登记时间', key: 'createdAt', width: 20 },
      { header: '渠道', key: 'channel' },
      { header: '类型', key: 'kind' },
      { header: '类别', key: 'category', width: 14 },
      { header: '状态', key: 'status' },
      { header: '事项', key: 'summary', width: 40 },
      { header: '属地', key: 'unit', width: 20 },
      { header: '主办单位', key: 'leadUnit', width: 22 },
      { header: '承办人', key: 'handler' },
      { header: '风险', key: 'risk' },
      { header: '办理期限', key: 'due', width: 12 },
      ...(opts.withParties ? [{ header: '当事人', key: 'parties', width: 50 }] : []),
    ],
    rows: list.items.map((c) => ({
      code: c.code,
      createdAt: formatShanghaiDateTime(new Date(c.createdAt)),
      channel: zh(`channel.${c.channel}`),
      kind: zh(`kind.${c.kind}`),
      category: zh(`category.${c.category}`),
      status: zh(`status.${c.status}`),
      summary: c.summary,
      unit: c.unit?.name ?? '',
      leadUnit: c.leadUnit?.name ?? '',
      handler: c.handler?.name ?? '',
      risk: zh(`risk.${c.riskLevel}`),
      due: c.deadline?.dueDate ?? '',
      parties: (partiesByCase.get(c.id) ?? []).join('；'),
    })),
  };
  return { file: await buildWorkbook([sheet]), count: list.items.length };
}
