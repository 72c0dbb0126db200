import { DownloadOutlined, FundProjectionScreenOutlined, InfoCircleOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Row,
  Segmented,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tooltip,
  TreeSelect,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { atCentre, centreDay, centreToday } from '../../../app/centre-date.js';
import { CASE_KINDS } from '../../../../shared/enums.js';
import { RATES, RATE_KEYS, SETTLED_LEVELS, type Measure, type Rate } from '../../../../shared/indicators.js';
import type { Cockpit, Figure, LiveFigure } from '../../../../shared/schemas/stats.js';
import { useI18n } from '../../../app/i18n.js';
import { readCockpit } from '../../../app/services/stats.js';
import { useSession } from '../../../app/session.js';
import { Chart } from '../../../components/chart.js';
import { toUnitTree, useUnits, type UnitTreeNode } from '../../../components/use-units.js';
import { cockpitQueryString, drillDownUrl } from '../drill-down.js';
import { ringOption } from '../ring-chart.js';

const LEVEL_MEASURE: Record<(typeof SETTLED_LEVELS)[number], Measure> = {
  village: 'levelVillage',
  town: 'levelTown',
  district: 'levelDistrict',
};
const SHOWN_COUNTS: Measure[] = [
  'received',
  'accepted',
  'rejected',
  'concluded',
  'settled',
  'agreements',
  'onTime',
  'late',
  'followedUp',
  'satisfied',
  'escalated',
];
const LIVE_LINKS: Record<LiveFigure, Figure | string> = {
  open: 'open',
  overdue: 'overdue',
  massRisk: 'massRisk',
  urged: 'urged',
  openPackages: '/packages',
  cameraAlerts: '/admin/cameras',
};

/** The rate cards share one row when there is room (nine at the leader's 1920 px), each at least this wide. */
const RATE_CARD_FLEX = '1 1 170px';

/** The subtree of `rootId` among the territorial units (departments hold no places). */

export function jurisdictionTree(nodes: UnitTreeNode[], rootId: string): UnitTreeNode[] {
  for (const n of nodes) {
    if (n.value === rootId) return [n];
    const found = jurisdictionTree(n.children, rootId);
    if (found.length) return found;
  }
  return [];
}

/** The cockpit's filters live in the address bar: a leader can bookmark "文苑街道, this year, petitions". */
export function useCockpitFilters() {
  const [params, setParams] = useSearchParams();
  const today = centreToday();
  const filters = {
    from: params.get('from') ?? today.startOf('year').format('YYYY-MM-DD'),
    to: params.get('to') ?? today.format('YYYY-MM-DD'),
    unitId: params.get('unitId') ?? undefined,
    kind: params.get('kind') ?? undefined,
    grain: (params.get('grain') as 'week' | 'month' | null) ?? 'month',
  };
  const set = (patch: Partial<typeof filters>) => {
    const next = { ...filters, ...patch };
    setParams(new URLSearchParams(cockpitQueryString(next)));
  };
  return { filters, set };
}

/** 领导驾驶舱: a period and a unit; every figure, rate, breakdown and trend, each clickable down to its cases. */
export function CockpitPage() {
  const { t, label } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const units = useUnits();
  const { filters, set } = useCockpitFilters();
  const qs = cockpitQueryString(filters);
  const cockpit = useQuery({
    queryKey: ['stats', 'cockpit', qs],
    queryFn: () => readCockpit(qs),
    refetchInterval: 60_000,
  });
  const tree = useMemo(
    () => jurisdictionTree(toUnitTree((units.data ?? []).filter((u) => u.kind !== 'department' && u.kind !== 'grid')), me?.unit.id ?? ''),
    [units.data, me],
  );
  const c = cockpit.data;
  const unitId = c?.unit.id ?? filters.unitId ?? me?.unit.id ?? '';
  const drill = (figure: Figure, extra: { category?: string; channel?: string; unitId?: string } = {}) =>
    navigate(
      drillDownUrl({
        figure,
        from: filters.from,
        to: filters.to,
        unitId: extra.unitId ?? unitId,
        kind: filters.kind,
        category: extra.category,
        channel: extra.channel,
      }),
    );

  const rateCard = (r: Rate) => {
    const value = c?.rates[r];
    const numerator = RATES[r].numerator[0];
    return (
      <Col flex={RATE_CARD_FLEX} key={r}>
        <Card size="small" hoverable onClick={() => drill(numerator)} data-testid={`cockpit-rate-${r}`}>
          <Statistic
            title={t(`rate.${r}` as never)}
            value={value ?? '—'}
            suffix={value === null ? undefined : '%'}
            precision={value === null ? undefined : 1}
          />
        </Card>
      </Col>
    );
  };

  /**
   * 智能分类建议采纳率: not a case figure (nothing to drill into). "—" while nobody was shown a suggestion; the counts,
   * or why there are none, behind the info icon, so the card keeps its neighbours' height.
   */
  const routingCard = () => {
    const r = c?.routingAcceptance;
    const isEmpty = !r || r.rate === null;
    const hint = isEmpty
      ? t('cockpit.routingAcceptanceEmpty')
      : t('cockpit.routingAcceptanceCount', { shown: r.shown, accepted: r.accepted });
    return (
      <Col flex={RATE_CARD_FLEX}>
        <Card size="small" data-testid="cockpit-routing-acceptance">
          <Statistic
            title={
              <Space size={4}>
                {t('cockpit.routingAcceptance')}
                <Tooltip title={hint}>
                  <InfoCircleOutlined style={{ color: '#888' }} aria-label={hint} />
                </Tooltip>
              </Space>
            }
            value={isEmpty ? '—' : r.rate!}
            suffix={isEmpty ? undefined : '%'}
            precision={isEmpty ? undefined : 1}
          />
        </Card>
      </Col>
    );
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap>
          <DatePicker.RangePicker
            allowClear={false}
            value={[centreDay(filters.from), centreDay(filters.to)]}
            onChange={(v) => v && set({ from: (v[0] as Dayjs).format('YYYY-MM-DD'), to: (v[1] as Dayjs).format('YYYY-MM-DD') })}
            presets={[
              { label: t('cockpit.preset.thisMonth'), value: [centreToday().startOf('month'), centreToday()] },
              {
                label: t('cockpit.preset.lastMonth'),
                value: [centreToday().subtract(1, 'month').startOf('month'), centreToday().subtract(1, 'month').endOf('month')],
              },
              { label: t('cockpit.preset.thisYear'), value: [centreToday().startOf('year'), centreToday()] },
              { label: t('cockpit.preset.last12Months'), value: [centreToday().subtract(11, 'month').startOf('month'), centreToday()] },
            ]}
            aria-label={t('cockpit.period')}
            // Each of the two inputs needs its own name for assistive technology (the wrapper's label does not reach them).
            placeholder={[t('cockpit.periodFrom'), t('cockpit.periodTo')]}
          />
          <TreeSelect
            showSearch
            treeNodeFilterProp="title"
            treeDefaultExpandedKeys={[me?.unit.id ?? '']}
            // Wide enough for the district centre's full name (焦作城乡一体化示范区综治中心), the longest a leader picks.
            style={{ width: 250 }}
            value={unitId || undefined}
            treeData={tree}
            loading={units.isLoading}
            onChange={(v: string) => set({ unitId: v })}
            placeholder={t('cockpit.unit')}
            aria-label={t('cockpit.unit')}
            data-testid="cockpit-unit"
          />
          <Select
            allowClear
            style={{ width: 140 }}
            placeholder={t('cockpit.allKinds')}
            aria-label={t('case.kind')}
            value={filters.kind}
            onChange={(v?: string) => set({ kind: v })}
            options={CASE_KINDS.map((k) => ({ value: k, label: label('kind', k) }))}
          />
          <Segmented
            value={filters.grain}
            onChange={(v) => set({ grain: v as 'week' | 'month' })}
            options={[
              { value: 'week', label: t('cockpit.grain.week') },
              { value: 'month', label: t('cockpit.grain.month') },
            ]}
          />
          <Button icon={<DownloadOutlined />} href={`/api/stats/cockpit.xlsx?${qs}`} download data-testid="cockpit-export">
            {t('cockpit.export')}
          </Button>
          <Link to={`/command/screen?${new URLSearchParams(filters.unitId ? { unitId: filters.unitId } : {}).toString()}`} target="_blank">
            <Button icon={<FundProjectionScreenOutlined />}>{t('cockpit.openBigScreen')}</Button>
          </Link>
          <Tooltip title={t('cockpit.drillHint')}>
            <InfoCircleOutlined style={{ color: '#888' }} />
          </Tooltip>
          {c && (
            <Typography.Text type="secondary">
              {t('cockpit.updatedAt', { time: atCentre(c.generatedAt).format('HH:mm:ss') })}
            </Typography.Text>
          )}
        </Space>
      </Card>
      {cockpit.isError && <Alert type="error" showIcon message={(cockpit.error as Error).message} />}
      <Spin spinning={cockpit.isFetching && !c}>
        {!c ? (
          <Card style={{ minHeight: 300 }} />
        ) : (
          <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="cockpit">
            <Row gutter={[12, 12]}>
              {RATE_KEYS.map(rateCard)}
              {routingCard()}
            </Row>
            <Card size="small" title={t('cockpit.counts')}>
              <Row gutter={[12, 12]}>
                {SHOWN_COUNTS.map((m) => (
                  <Col xs={8} md={4} xl={2} key={m} style={{ minWidth: 110 }}>
                    <a onClick={() => drill(m)} data-testid={`cockpit-count-${m}`}>
                      <Statistic title={t(`measure.${m}` as never)} value={c.counts[m]} />
                    </a>
                  </Col>
                ))}
              </Row>
            </Card>
            <Card size="small" title={t('cockpit.live')}>
              <Row gutter={[12, 12]}>
                {(Object.keys(LIVE_LINKS) as LiveFigure[]).map((k) => {
                  const target = LIVE_LINKS[k];
                  return (
                    <Col xs={8} md={4} key={k}>
                      <a
                        onClick={() => (target.startsWith('/') ? navigate(target) : drill(target as Figure))}
                        data-testid={`cockpit-live-${k}`}
                      >
                        <Statistic
                          title={t(`live.${k}` as never)}
                          value={c.live[k]}
                          valueStyle={k === 'overdue' || k === 'massRisk' ? { color: c.live[k] ? '#cf1322' : undefined } : undefined}
                        />
                      </a>
                    </Col>
                  );
                })}
              </Row>
            </Card>
            {c.counts.received === 0 && c.counts.concluded === 0 ? (
              <Card>
                <Empty description={t('cockpit.empty')} />
              </Card>
            ) : (
              <>
                {/* Below 1600 px the trend takes the row and the two rings share the next: a ring's legend needs ~250 px. */}
                <Row gutter={[12, 12]}>
                  <Col xs={24} xxl={12}>
                    <Card size="small" title={t('cockpit.trend')}>
                      <Chart
                        testId="chart-trend"
                        option={{
                          tooltip: { trigger: 'axis' },
                          legend: { top: 0, data: [t('measure.received'), t('measure.concluded'), t('measure.settled')] },
                          grid: { left: 40, right: 16, top: 36, bottom: 28 },
                          // A month reads as 2026-03; a week by its first day.
                          xAxis: {
                            type: 'category',
                            data: c.trend.map((x) => (filters.grain === 'month' ? x.bucket.slice(0, 7) : x.bucket)),
                          },
                          yAxis: { type: 'value', minInterval: 1 },
                          series: [
                            { name: t('measure.received'), type: 'bar', barMaxWidth: 48, data: c.trend.map((x) => x.received) },
                            { name: t('measure.concluded'), type: 'line', data: c.trend.map((x) => x.concluded) },
                            { name: t('measure.settled'), type: 'line', data: c.trend.map((x) => x.settled) },
                          ],
                        }}
                      />
                    </Card>
                  </Col>
                  <Col xs={24} md={12} xxl={6}>
                    <Card size="small" title={t('cockpit.byChannel')}>
                      <Chart
                        testId="chart-channel"
                        option={ringOption(
                          c.byChannel
                            .filter((x) => x.received)
                            .map((x) => ({ name: label('channel', x.key), value: x.received, key: x.key })),
                        )}
                        onClick={(p) => drill('received', { channel: (p.data as { key: string }).key })}
                      />
                    </Card>
                  </Col>
                  <Col xs={24} md={12} xxl={6}>
                    <Card size="small" title={t('cockpit.levels')}>
                      <Chart
                        testId="chart-levels"
                        option={ringOption(
                          SETTLED_LEVELS.map((l) => ({ name: label('level', l), value: c.counts[LEVEL_MEASURE[l]], key: l })),
                        )}
                        onClick={(p) => drill(LEVEL_MEASURE[(p.data as { key: (typeof SETTLED_LEVELS)[number] }).key])}
                      />
                    </Card>
                  </Col>
                </Row>
                <Row gutter={[12, 12]}>
                  <Col xs={24} xl={12}>
                    <Card size="small" title={t('cockpit.byCategory')}>
                      <Chart
                        testId="chart-category"
                        style={{ height: 360 }}
                        option={{
                          tooltip: { trigger: 'axis' },
                          legend: { top: 0, data: [t('measure.received'), t('measure.settled')] },
                          grid: { left: 90, right: 16, top: 30, bottom: 20 },
                          yAxis: { type: 'category', inverse: true, data: c.byCategory.map((x) => label('category', x.key)) },
                          xAxis: { type: 'value', minInterval: 1 },
                          series: [
                            { name: t('measure.received'), type: 'bar', data: c.byCategory.map((x) => x.received) },
                            { name: t('measure.settled'), type: 'bar', data: c.byCategory.map((x) => x.settled) },
                          ],
                        }}
                        onClick={(p) =>
                          drill(p.seriesName === t('measure.settled') ? 'settled' : 'received', {
                            category: c.byCategory[p.dataIndex]!.key,
                          })
                        }
                      />
                    </Card>
                  </Col>
                  <Col xs={24} xl={12}>
                    <Card size="small" title={t('cockpit.hotspots')}>
                      <Table
                        size="small"
                        rowKey="unitId"
                        pagination={false}
                        dataSource={c.hotspots}
                        locale={{ emptyText: t('common.empty') }}
                        columns={[
                          { title: '#', width: 40, render: (_: unknown, __: unknown, i: number) => i + 1 },
                          { title: t('cockpit.unitColumn'), dataIndex: 'unitName' },
                          { title: '', dataIndex: 'parentName' },
                          {
                            title: t('measure.received'),
                            dataIndex: 'received',
                            align: 'right',
                            render: (v: number, r) => <a onClick={() => drill('received', { unitId: r.unitId })}>{v}</a>,
                          },
                        ]}
                      />
                    </Card>
                  </Col>
                </Row>
                <Card size="small" title={t('cockpit.byUnit')}>
                  <Table
                    size="small"
                    rowKey={(r) => r.unitId ?? 'self'}
                    pagination={false}
                    // As wide as its content (scrolling sideways inside the card): squeezed to the card, unit names
                    // broke one character per line (李/万/街/道).
                    scroll={{ x: 'max-content' }}
                    dataSource={c.byUnit}
                    data-testid="cockpit-by-unit"
                    columns={[
                      { title: t('cockpit.unitColumn'), dataIndex: 'unitName', fixed: 'left', width: 150 },
                      ...SHOWN_COUNTS.map((m) => ({
                        title: t(`measure.${m}` as never),
                        key: m,
                        align: 'right' as const,
                        render: (_: unknown, r: Cockpit['byUnit'][number]) =>
                          r.unitId ? <a onClick={() => drill(m, { unitId: r.unitId! })}>{r.counts[m]}</a> : r.counts[m],
                      })),
                      ...(['settlementRate', 'onTimeRate', 'satisfactionRate', 'villageRate'] as Rate[]).map((k) => ({
                        title: t(`rate.${k}` as never),
                        key: k,
                        align: 'right' as const,
                        render: (_: unknown, r: Cockpit['byUnit'][number]) => (r.rates[k] === null ? '—' : `${r.rates[k]}%`),
                      })),
                    ]}
                  />
                </Card>
              </>
            )}
          </Space>
        )}
      </Spin>
    </Space>
  );
}
