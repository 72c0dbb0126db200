import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type CSSProperties, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { atCentre, centreNow, centreToday } from '../../../app/centre-date.js';
import { useI18n } from '../../../app/i18n.js';
import { useLiveEvents } from '../../../app/live-events.js';
import { listCameras } from '../../../app/services/cameras.js';
import { listCases } from '../../../app/services/cases.js';
import { readCockpit, readMapLayers } from '../../../app/services/stats.js';
import { Chart } from '../../../components/chart.js';
import { DistrictMap } from '../district-map.js';
import { ringOption } from '../ring-chart.js';

/** The wall screen's design size: everything is laid out for it and scaled to the window, so nothing ever scrolls. */
const W = 1920;
const H = 1080;
const REFRESH_MS = 30_000;

const panel: CSSProperties = {
  background: 'linear-gradient(180deg, rgba(18,50,90,0.85), rgba(8,24,48,0.85))',
  border: '1px solid #1d4f8c',
  borderRadius: 6,
  padding: '10px 14px',
  boxSizing: 'border-box',
  overflow: 'hidden',
};

function Panel(props: { title: string; style?: CSSProperties; children: ReactNode; testId?: string }) {
  return (
    <div style={{ ...panel, ...props.style }} data-testid={props.testId}>
      <div style={{ color: '#7fd3ff', fontSize: 20, fontWeight: 600, marginBottom: 8, borderLeft: '4px solid #29b6f6', paddingLeft: 8 }}>
        {props.title}
      </div>
      {props.children}
    </div>
  );
}

function useScale() {
  const [scale, setScale] = useState(() => Math.min(window.innerWidth / W, window.innerHeight / H));
  useEffect(() => {
    const onResize = () => setScale(Math.min(window.innerWidth / W, window.innerHeight / H));
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return scale;
}

/**
 * The centre's clock (Shanghai), ticking each second in a component of its own: the rest of the wall (its charts) is
 * not drawn again every second.
 */
function Clock() {
  const { t } = useI18n();
  const [now, setNow] = useState(() => centreNow());
  useEffect(() => {
    const id = setInterval(() => setNow(centreNow()), 1000);
    return () => clearInterval(id);
  }, []);
  return (
    <div style={{ fontSize: 22, color: '#90caf9' }}>
      {t('bigScreen.clock', { date: now.format(t('bigScreen.date')), time: now.format('HH:mm:ss') })}
    </div>
  );
}

/**
 * 指挥大屏: the centre's wall (1920×1080, dark, no scrolling). This year's figures, the map of the last 30 days, the
 * trend; new cases, cases turning overdue and camera alerts arrive live (server-sent events), figures refresh every 30 s.
 */
export function BigScreenPage() {
  const { t, label } = useI18n();
  const [params] = useSearchParams();
  const scale = useScale();
  const { recent, state } = useLiveEvents();
  const unitId = params.get('unitId') ?? undefined;
  const today = centreToday();
  const year = { from: today.startOf('year').format('YYYY-MM-DD'), to: today.format('YYYY-MM-DD') };
  const unitQs = unitId ? `&unitId=${unitId}` : '';
  const cockpit = useQuery({
    queryKey: ['stats', 'screen', unitId],
    queryFn: () => readCockpit(`from=${year.from}&to=${year.to}&grain=month${unitQs}`),
    refetchInterval: REFRESH_MS,
  });
  const layers = useQuery({
    queryKey: ['stats', 'screen-map', unitId],
    queryFn: () => readMapLayers(`from=${centreToday().subtract(29, 'day').format('YYYY-MM-DD')}&to=${year.to}${unitQs}`),
    refetchInterval: REFRESH_MS * 2,
  });
  const latest = useQuery({
    queryKey: ['cases', 'screen-latest', unitId],
    queryFn: () => listCases(`pageSize=7${unitId ? `&placeUnitId=${unitId}` : ''}`),
    refetchInterval: REFRESH_MS,
  });
  const red = useQuery({
    queryKey: ['cases', 'screen-red', unitId],
    queryFn: () => listCases(`deadline=overdue&pageSize=6${unitId ? `&placeUnitId=${unitId}` : ''}`),
    refetchInterval: REFRESH_MS,
  });
  const cameras = useQuery({ queryKey: ['cameras', 'screen'], queryFn: () => listCameras(), refetchInterval: REFRESH_MS });

  useEffect(() => {
    const prev = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    return () => {
      document.body.style.overflow = prev;
    };
  }, []);

  const c = cockpit.data;
  const rate = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v}%`);
  const tiles: [string, string | number, string?][] = c
    ? [
        [t('measure.received'), c.counts.received],
        [t('measure.concluded'), c.counts.concluded],
        [t('rate.settlementRate'), rate(c.rates.settlementRate)],
        [t('rate.onTimeRate'), rate(c.rates.onTimeRate)],
        [t('rate.satisfactionRate'), rate(c.rates.satisfactionRate)],
        [t('rate.mediationSuccessRate'), rate(c.rates.mediationSuccessRate)],
        [t('live.open'), c.live.open],
        [t('live.overdue'), c.live.overdue, c.live.overdue ? '#ff5252' : undefined],
      ]
    : [];
  // Live arrivals first (they come before the next refetch), then the newest cases the list holds.
  const liveCases = recent.filter((e) => e.type === 'case.registered');
  const latestRows = [
    ...liveCases.map((e) => ({ id: e.caseId ?? e.at, code: e.code ?? '', summary: e.summary ?? '', at: e.at, isLive: true })),
    ...(latest.data?.items ?? []).map((i) => ({ id: i.id, code: i.code, summary: i.summary, at: i.createdAt, isLive: false })),
  ]
    .filter((r, i, all) => all.findIndex((x) => x.id === r.id) === i)
    .slice(0, 7);
  const alertRows = [
    ...recent
      .filter((e) => e.type === 'camera.alert')
      .map((e) => ({ key: e.caseId ?? e.at, text: `${e.cameraCode ?? ''} ${e.summary ?? ''}`, at: e.at })),
    ...(cameras.data ?? [])
      .filter((cam) => cam.openAlerts > 0)
      .map((cam) => ({ key: cam.id, text: `${cam.name} · ${cam.openAlerts}`, at: cam.lastHeartbeatAt ?? '' })),
  ].slice(0, 5);
  const row: CSSProperties = {
    display: 'flex',
    justifyContent: 'space-between',
    gap: 12,
    padding: '7px 0',
    borderBottom: '1px dashed #1d4f8c',
    fontSize: 17,
    whiteSpace: 'nowrap',
  };

  return (
    <div style={{ position: 'fixed', inset: 0, background: '#050d1a', overflow: 'hidden' }} data-testid="big-screen">
      <div
        style={{
          width: W,
          height: H,
          transform: `scale(${scale})`,
          transformOrigin: 'top left',
          color: '#e3f2fd',
          fontFamily: '"WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif',
          background: 'radial-gradient(ellipse at center, #0c2546 0%, #050d1a 75%)',
          padding: 16,
          boxSizing: 'border-box',
          display: 'grid',
          gridTemplateRows: '72px 1fr',
          gap: 14,
        }}
      >
        <header style={{ display: 'grid', gridTemplateColumns: '460px 1fr 460px', alignItems: 'center' }}>
          <Clock />
          <h1 style={{ margin: 0, textAlign: 'center', fontSize: 38, letterSpacing: 4, color: '#e3f2fd', textShadow: '0 0 12px #29b6f6' }}>
            {t('bigScreen.title', { unit: c?.unit.name.replace(/综治中心$/, '') ?? '' })}
          </h1>
          <div style={{ textAlign: 'right', fontSize: 18, color: '#90caf9' }}>
            <span
              style={{
                display: 'inline-block',
                width: 10,
                height: 10,
                borderRadius: 5,
                marginRight: 6,
                background: state === 'open' ? '#69f0ae' : '#ffab40',
              }}
            />
            {c ? t('cockpit.updatedAt', { time: atCentre(c.generatedAt).format('HH:mm:ss') }) : t('common.loading')}
            <Link to="/command/cockpit" style={{ marginLeft: 16, color: '#90caf9' }}>
              {t('bigScreen.exit')}
            </Link>
          </div>
        </header>
        <main style={{ display: 'grid', gridTemplateColumns: '460px 1fr 460px', gap: 20, minHeight: 0 }}>
          <section style={{ display: 'grid', gridTemplateRows: '500px 1fr', gap: 14, minHeight: 0 }}>
            <Panel title={`${t('bigScreen.thisYear')} · ${t('cockpit.rates')}`} testId="screen-figures">
              <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 10 }}>
                {tiles.map(([name, value, colour]) => (
                  <div key={name} style={{ background: 'rgba(41,182,246,0.08)', borderRadius: 4, padding: '8px 12px' }}>
                    <div style={{ fontSize: 16, color: '#90caf9' }}>{name}</div>
                    <div
                      style={{ fontSize: 32, fontWeight: 700, color: colour ?? '#ffffff', fontVariantNumeric: 'tabular-nums' }}
                      data-testid={`screen-${name}`}
                    >
                      {value}
                    </div>
                  </div>
                ))}
              </div>
            </Panel>
            <Panel title={t('cockpit.levels')}>
              {c && (
                <Chart
                  theme="dark"
                  testId="screen-levels"
                  style={{ height: 390 }}
                  option={ringOption(
                    [
                      { name: label('level', 'village'), value: c.counts.levelVillage },
                      { name: label('level', 'town'), value: c.counts.levelTown },
                      { name: label('level', 'district'), value: c.counts.levelDistrict },
                      { name: t('measure.escalated'), value: c.counts.escalated },
                    ],
                    { dark: true, fontSize: 17 },
                  )}
                />
              )}
            </Panel>
          </section>
          <section style={{ display: 'grid', gridTemplateRows: '1fr 300px', gap: 14, minHeight: 0 }}>
            {/* The demo note has a line of its own under the map: laid over it, it would cover the district's edge. */}
            <div style={{ ...panel, padding: 0, display: 'flex', flexDirection: 'column' }}>
              {layers.data && (
                <DistrictMap
                  layers={layers.data}
                  cameras={cameras.data}
                  level="community"
                  caseLayer="points"
                  dark
                  height={layers.data.isDemoGeometry ? 616 : 640}
                />
              )}
              {layers.data?.isDemoGeometry && (
                <div style={{ padding: '0 12px', fontSize: 14, lineHeight: '22px', color: '#ffcc80' }} data-testid="screen-demo-geometry">
                  {t('map.demoGeometryShort')}
                </div>
              )}
            </div>
            <Panel title={t('cockpit.trend')}>
              {c && (
                <Chart
                  theme="dark"
                  testId="screen-trend"
                  style={{ height: 240 }}
                  option={{
                    tooltip: { trigger: 'axis' },
                    legend: { right: 10, top: 0, textStyle: { color: '#cfe3ff' } },
                    grid: { left: 50, right: 20, top: 30, bottom: 30 },
                    xAxis: { type: 'category', data: c.trend.map((x) => x.bucket.slice(0, 7)), axisLabel: { color: '#cfe3ff' } },
                    yAxis: { type: 'value', axisLabel: { color: '#cfe3ff' }, splitLine: { lineStyle: { color: '#1d4f8c' } } },
                    series: [
                      {
                        name: t('measure.received'),
                        type: 'bar',
                        barMaxWidth: 48,
                        data: c.trend.map((x) => x.received),
                        itemStyle: { color: '#29b6f6' },
                      },
                      {
                        name: t('measure.concluded'),
                        type: 'line',
                        data: c.trend.map((x) => x.concluded),
                        itemStyle: { color: '#69f0ae' },
                      },
                    ],
                  }}
                />
              )}
            </Panel>
          </section>
          <section style={{ display: 'grid', gridTemplateRows: '370px 330px 1fr', gap: 14, minHeight: 0 }}>
            <Panel title={t('bigScreen.newCases')} testId="screen-new-cases">
              {latestRows.length === 0 && <div style={{ color: '#90caf9' }}>{t('bigScreen.noEvents')}</div>}
              {latestRows.map((r) => (
                <div key={r.id} style={row}>
                  <span
                    style={{ overflow: 'hidden', textOverflow: 'ellipsis', color: r.isLive ? '#ffd54f' : undefined }}
                  >{`${r.code.replace(/^\d{6}-/, '')} ${r.summary}`}</span>
                  <span style={{ color: '#90caf9' }}>{atCentre(r.at).format('MM-DD HH:mm')}</span>
                </div>
              ))}
            </Panel>
            <Panel title={t('bigScreen.redDeadlines')} testId="screen-red">
              {(red.data?.items.length ?? 0) === 0 && <div style={{ color: '#90caf9' }}>{t('bigScreen.noEvents')}</div>}
              {red.data?.items.map((r) => (
                <div key={r.id} style={row}>
                  <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
                    <span style={{ color: '#ff5252', marginRight: 6 }}>●</span>
                    {r.summary}
                  </span>
                  <span style={{ color: '#ff8a80' }}>{r.deadline ? t('bigScreen.due', { date: r.deadline.dueDate.slice(5) }) : ''}</span>
                </div>
              ))}
            </Panel>
            <Panel title={t('bigScreen.cameraAlerts')} testId="screen-alerts">
              {alertRows.length === 0 && <div style={{ color: '#90caf9' }}>{t('bigScreen.noEvents')}</div>}
              {alertRows.map((a) => (
                <div key={a.key} style={row}>
                  <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>{a.text}</span>
                  <span style={{ color: '#90caf9' }}>{a.at ? atCentre(a.at).format('HH:mm') : ''}</span>
                </div>
              ))}
            </Panel>
          </section>
        </main>
      </div>
    </div>
  );
}
