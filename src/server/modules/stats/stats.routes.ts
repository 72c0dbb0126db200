import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MEASURE_KEYS, RATE_KEYS } from '../../../shared/indicators.js';
import { zhCN } from '../../../shared/locales/zh-CN.js';
import {
  cockpitQuerySchema,
  cockpitSchema,
  mediationFormQuerySchema,
  mediationFormSchema,
  type Cockpit,
  type MediationForm,
} from '../../../shared/schemas/stats.js';
import { actorOf } from '../../plugins/auth.js';
import { readCockpit, readMediationForm } from './indicators.js';
import { XLSX_TYPE, attachmentName, buildWorkbook, type Sheet } from '../../lib/workbook.js';
import { fileResponse } from '../../lib/openapi.js';
import { MEDIA_TYPES } from '../../lib/media-types.js';

const zh = (key: string) => (zhCN as Record<string, string>)[key] ?? key;

/** The cockpit's tables as sheets, with the same figures the screen shows. */
export function cockpitSheets(c: Cockpit): Sheet[] {
  const filters = [`统计期间：${c.period.from} 至 ${c.period.to}（北京时间）`, `区域：${c.unit.name}`, `生成时间：${c.generatedAt}`];
  const measureColumns = MEASURE_KEYS.map((m) => ({ header: zh(`measure.${m}`), key: m }));
  const rateColumns = RATE_KEYS.map((r) => ({ header: `${zh(`rate.${r}`)}(%)`, key: r, format: 'percent' as const }));
  return [
    {
      name: '指标',
      title: '矛盾纠纷多元化解核心指标',
      filters,
      columns: [
        { header: '指标', key: 'name', width: 28 },
        { header: '数值', key: 'value', width: 14 },
      ],
      rows: [
        ...RATE_KEYS.map((r) => ({ name: `${zh(`rate.${r}`)}(%)`, value: c.rates[r] })),
        ...MEASURE_KEYS.map((m) => ({ name: zh(`measure.${m}`), value: c.counts[m] })),
        ...(Object.keys(c.live) as (keyof Cockpit['live'])[]).map((k) => ({ name: zh(`live.${k}`), value: c.live[k] })),
        { name: `${zh('cockpit.routingAcceptance')}(%)`, value: c.routingAcceptance.rate },
      ],
    },
    {
      name: '下级单位',
      title: `${c.unit.name} 下级单位`,
      filters,
      columns: [{ header: '单位', key: 'unitName', width: 24 }, ...measureColumns, ...rateColumns],
      rows: c.byUnit.map((u) => ({ unitName: u.unitName, ...u.counts, ...u.rates })),
    },
    {
      name: '纠纷类别',
      title: '按纠纷类别',
      filters,
      columns: [
        { header: '类别', key: 'name', width: 16 },
        { header: zh('measure.received'), key: 'received' },
        { header: zh('measure.concluded'), key: 'concluded' },
        { header: zh('measure.settled'), key: 'settled' },
      ],
      rows: c.byCategory.map((r) => ({ name: zh(`category.${r.key}`), received: r.received, concluded: r.concluded, settled: r.settled })),
    },
    {
      name: '收案渠道',
      title: '按收案渠道',
      filters,
      columns: [
        { header: '渠道', key: 'name', width: 16 },
        { header: zh('measure.received'), key: 'received' },
      ],
      rows: c.byChannel.map((r) => ({ name: zh(`channel.${r.key}`), received: r.received })),
    },
    {
      name: '趋势',
      title: '收案与办结趋势',
      filters,
      columns: [
        { header: '起始日', key: 'bucket', width: 14 },
        { header: zh('measure.received'), key: 'received' },
        { header: zh('measure.concluded'), key: 'concluded' },
        { header: zh('measure.settled'), key: 'settled' },
      ],
      rows: c.trend,
    },
    {
      name: '热点',
      title: '热点排行',
      filters,
      columns: [
        { header: '网格/社区', key: 'unitName', width: 24 },
        { header: '上级', key: 'parentName', width: 20 },
        { header: zh('measure.received'), key: 'received' },
      ],
      rows: c.hotspots,
    },
  ];
}

export function mediationFormSheet(f: MediationForm): Sheet {
  const keys = ['received', 'concluded', 'settled', 'agreements', 'levelVillage', 'levelTown', 'levelDistrict'] as const;
  const total = Object.fromEntries(keys.map((k) => [k, f.rows.reduce((s, r) => s + r[k], 0)]));
  return {
    name: '调解月报',
    title: `人民调解案件统计月报（${f.month}）`,
    filters: [`单位：${f.unit.name}`, '口径：矛盾纠纷类案件；收案按登记日，其余按办结日（北京时间），见 docs/INDICATORS.md'],
    columns: [{ header: '纠纷类别', key: 'name', width: 16 }, ...keys.map((k) => ({ header: zh(`measure.${k}`), key: k }))],
    rows: [...f.rows.map((r) => ({ name: zh(`category.${r.category}`), ...r })), { name: '合计', ...total }],
  };
}

export const statsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db: primary, readDb, config } = app.deps;
  // Figures and their exports read from the replica when there is one (DATABASE_READ_URL, docs/SCALING.md).
  const db = readDb ?? primary;
  const shareMs = config.DASHBOARD_SHARE_SECONDS * 1000;
  const guard = { onRequest: [app.requirePermission('stats.view')] };

  app.get(
    '/cockpit',
    {
      ...guard,
      schema: {
        operationId: 'readCockpit',
        tags: ['stats'],
        summary: '领导驾驶舱：期间与区域的全部指标、分布、趋势和实时态势',
        description:
          'Every figure is counted from cases (docs/INDICATORS.md) under the chosen unit, which must lie in the viewer’s jurisdiction.',
        querystring: cockpitQuerySchema,
        response: { 200: cockpitSchema },
      },
    },
    async (request) => readCockpit({ db, actor: actorOf(request), query: request.query, shareMs }),
  );

  app.get(
    '/cockpit.xlsx',
    {
      ...guard,
      schema: {
        operationId: 'exportCockpit',
        tags: ['stats'],
        summary: '驾驶舱导出 Excel（与屏幕同一组数字）',
        querystring: cockpitQuerySchema,
        response: { 200: fileResponse({ description: '驾驶舱 (XLSX)', mediaTypes: [MEDIA_TYPES.xlsx] }) },
      },
    },
    async (request, reply) => {
      const cockpit = await readCockpit({ db, actor: actorOf(request), query: request.query, shareMs });
      const file = await buildWorkbook(cockpitSheets(cockpit));
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', attachmentName(`驾驶舱-${cockpit.unit.name}-${cockpit.period.from}至${cockpit.period.to}.xlsx`))
        .header('cache-control', 'no-store')
        .send(file);
    },
  );

  app.get(
    '/mediation-form',
    {
      ...guard,
      schema: {
        operationId: 'readMediationForm',
        tags: ['stats'],
        summary: '人民调解案件统计月报：按纠纷类别的收案、办结、化解、调解成功和化解层级',
        querystring: mediationFormQuerySchema,
        response: { 200: mediationFormSchema },
      },
    },
    async (request) => readMediationForm({ db, actor: actorOf(request), month: request.query.month, unitId: request.query.unitId }),
  );

  app.get(
    '/mediation-form.xlsx',
    {
      ...guard,
      schema: {
        operationId: 'exportMediationForm',
        tags: ['stats'],
        summary: '调解统计月报导出 Excel',
        querystring: mediationFormQuerySchema,
        response: { 200: fileResponse({ description: '人民调解统计月报 (XLSX)', mediaTypes: [MEDIA_TYPES.xlsx] }) },
      },
    },
    async (request, reply) => {
      const form = await readMediationForm({ db, actor: actorOf(request), month: request.query.month, unitId: request.query.unitId });
      const file = await buildWorkbook([mediationFormSheet(form)]);
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', attachmentName(`人民调解统计月报-${form.unit.name}-${form.month}.xlsx`))
        .header('cache-control', 'no-store')
        .send(file);
    },
  );
};
