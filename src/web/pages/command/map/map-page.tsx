import { UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Drawer,
  Empty,
  List,
  Segmented,
  Select,
  Space,
  Spin,
  Tag,
  TreeSelect,
  Typography,
  Upload,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { Link } from 'react-router';
import { atCentre, centreDay, centreToday } from '../../../app/centre-date.js';
import { useI18n } from '../../../app/i18n.js';
import { listCameraAlerts, listCameras } from '../../../app/services/cameras.js';
import { readMapLayers } from '../../../app/services/stats.js';
import { useSession } from '../../../app/session.js';
import { toUnitTree, useUnits } from '../../../components/use-units.js';
import { jurisdictionTree } from '../cockpit/cockpit-page.js';
import { DistrictMap, type CaseLayer, type MapLevel } from '../district-map.js';
import { drillDownUrl } from '../drill-down.js';
import { importBoundaries, readMapUnit } from './service.js';

/**
 * The map's height: down to the window's bottom edge (at least 480 px), so a leader's 1920×1080 screen gives the
 * district its whole height and the units room for their names.
 */
function useFillHeight(ref: RefObject<HTMLElement | null>, content: unknown): number {
  const [height, setHeight] = useState(640);
  useEffect(() => {
    // 26: the page's bottom margin and the card's borders.
    const measure = () => {
      const top = ref.current?.getBoundingClientRect().top;
      if (top !== undefined) setHeight(Math.max(480, Math.floor(window.innerHeight - (top + window.scrollY) - 26)));
    };
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
    // Measured again when the content above changes (the demo-boundaries notice arrives with the layers).
  }, [ref, content]);
  return height;
}

/** 态势地图: the jurisdiction drawn from its boundaries, cases and cameras; a grid or a camera opens its card. */
export function MapPage() {
  const { t, label } = useI18n();
  const { me, can } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const units = useUnits();
  const [range, setRange] = useState<[string, string]>([
    centreToday().subtract(89, 'day').format('YYYY-MM-DD'),
    centreToday().format('YYYY-MM-DD'),
  ]);
  const [unitId, setUnitId] = useState<string | undefined>();
  const [level, setLevel] = useState<MapLevel>('community');
  const [caseLayer, setCaseLayer] = useState<CaseLayer>('points');
  const [showCameras, setShowCameras] = useState(true);
  const [openUnit, setOpenUnit] = useState<string | null>(null);
  const [openCamera, setOpenCamera] = useState<string | null>(null);
  const mapCard = useRef<HTMLDivElement>(null);

  const qs = new URLSearchParams({ from: range[0], to: range[1], ...(unitId ? { unitId } : {}) }).toString();
  const layers = useQuery({ queryKey: ['stats', 'map', qs], queryFn: () => readMapLayers(qs) });
  const cameras = useQuery({ queryKey: ['cameras'], queryFn: () => listCameras(), enabled: can('camera.view') });
  const unitCard = useQuery({
    queryKey: ['stats', 'map-unit', openUnit, range],
    queryFn: () => readMapUnit(openUnit!, range[0], range[1]),
    enabled: !!openUnit,
  });
  const camera = cameras.data?.find((c) => c.id === openCamera);
  const alerts = useQuery({
    queryKey: ['cameras', 'alerts', openCamera],
    queryFn: () => listCameraAlerts(openCamera!),
    enabled: !!openCamera,
  });
  const tree = useMemo(
    () =>
      jurisdictionTree(
        toUnitTree((units.data ?? []).filter((u) => u.kind === 'district' || u.kind === 'street' || u.kind === 'community')),
        me?.unit.id ?? '',
      ),
    [units.data, me],
  );

  const handleImport = async (file: File) => {
    try {
      const body = JSON.parse(await file.text()) as unknown;
      const result = await importBoundaries(body);
      message.success(t('map.importDone', { n: result.updated }));
      if (result.unknownCodes.length) message.warning(t('map.unknownCodes', { codes: result.unknownCodes.slice(0, 10).join('、') }));
      await queryClient.invalidateQueries({ queryKey: ['stats', 'map'] });
    } catch (e) {
      message.error(e instanceof SyntaxError ? t('map.notJson') : (e as Error).message);
    }
    return false;
  };

  const data = layers.data;
  const mapHeight = useFillHeight(mapCard, data);
  const hasBoundaries = !!data?.boundaries.features.length;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap>
          <DatePicker.RangePicker
            allowClear={false}
            value={[centreDay(range[0]), centreDay(range[1])]}
            onChange={(v) => v && setRange([(v[0] as Dayjs).format('YYYY-MM-DD'), (v[1] as Dayjs).format('YYYY-MM-DD')])}
          />
          <TreeSelect
            showSearch
            treeNodeFilterProp="title"
            style={{ width: 250 }}
            // Until the units have come the box would show the unit's id: it waits, loading, instead.
            value={units.data ? (unitId ?? me?.unit.id) : undefined}
            loading={!units.data}
            treeData={tree}
            treeDefaultExpandedKeys={[me?.unit.id ?? '']}
            onChange={(v: string) => setUnitId(v)}
          />
          <Segmented
            value={level}
            onChange={(v) => setLevel(v as MapLevel)}
            options={[
              { value: 'street', label: label('unitKind', 'street') },
              { value: 'community', label: label('unitKind', 'community') },
              { value: 'grid', label: label('unitKind', 'grid') },
            ]}
            data-testid="map-level"
          />
          {/* The units drawn, by name: the keyboard's (and a screen reader's) way to a unit's card. */}
          <Select
            showSearch
            value={null}
            placeholder={t('map.findUnit')}
            aria-label={t('map.findUnit')}
            style={{ width: 180 }}
            optionFilterProp="label"
            options={(data?.boundaries.features ?? [])
              .filter((f) => f.properties.kind === level)
              .map((f) => ({ value: f.properties.id, label: f.properties.name }))}
            onChange={(id: string) => setOpenUnit(id)}
            data-testid="map-find-unit"
          />
          <Segmented
            value={caseLayer}
            onChange={(v) => setCaseLayer(v as CaseLayer)}
            options={[
              { value: 'points', label: t('map.layer.cases') },
              { value: 'heat', label: t('map.layer.heat') },
              { value: 'none', label: '—' },
            ]}
          />
          {can('camera.view') && (
            <Checkbox checked={showCameras} onChange={(e) => setShowCameras(e.target.checked)}>
              {t('map.layer.cameras')}
            </Checkbox>
          )}
          {can('map.editBoundaries') && (
            <Upload accept=".json,.geojson,application/geo+json,application/json" showUploadList={false} beforeUpload={handleImport}>
              <Button icon={<UploadOutlined />}>{t('map.import')}</Button>
            </Upload>
          )}
          <Space size={4}>
            <Tag color="#e53935">{label('risk', 'high')}</Tag>
            <Tag color="#fb8c00">{label('risk', 'medium')}</Tag>
            <Tag color="#1e88e5">{label('risk', 'low')}</Tag>
            <Typography.Text type="secondary">{`● ${t('map.openCase')} ○ ${t('map.closedCase')}`}</Typography.Text>
          </Space>
        </Space>
      </Card>
      {data?.isDemoGeometry && <Alert type="warning" showIcon message={t('map.demoGeometry')} data-testid="demo-geometry" />}
      {data?.isCasesCapped && <Alert type="info" showIcon message={t('map.casesCapped', { n: data.cases.length })} />}
      {layers.isError && <Alert type="error" showIcon message={(layers.error as Error).message} />}
      <Card size="small" styles={{ body: { padding: 0 } }} ref={mapCard}>
        <Spin spinning={layers.isFetching && !data}>
          {data && !hasBoundaries ? (
            <Empty style={{ padding: 80 }} description={t('map.noBoundaries')} />
          ) : data ? (
            <DistrictMap
              layers={data}
              cameras={showCameras ? cameras.data : undefined}
              level={level}
              caseLayer={caseLayer}
              height={mapHeight}
              onUnit={(id) => setOpenUnit(id)}
              onCamera={(id) => setOpenCamera(id)}
              onCase={(id) => window.open(`/cases/${id}`, '_blank')}
            />
          ) : (
            <div style={{ height: mapHeight }} />
          )}
        </Spin>
      </Card>
      <Drawer
        open={!!openUnit}
        onClose={() => setOpenUnit(null)}
        title={unitCard.data?.unit.name ?? t('map.grid')}
        width={380}
        data-testid="map-unit-card"
      >
        {unitCard.isLoading ? (
          <Spin />
        ) : unitCard.data ? (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('cockpit.period')}>{`${range[0]} ~ ${range[1]}`}</Descriptions.Item>
              <Descriptions.Item label={t('measure.received')}>{unitCard.data.received}</Descriptions.Item>
              <Descriptions.Item label={t('measure.concluded')}>{unitCard.data.concluded}</Descriptions.Item>
              <Descriptions.Item label={t('rate.settlementRate')}>
                {unitCard.data.settlementRate === null ? '—' : `${unitCard.data.settlementRate}%`}
              </Descriptions.Item>
              <Descriptions.Item label={t('live.open')}>{unitCard.data.open}</Descriptions.Item>
              <Descriptions.Item label={t('live.overdue')}>{unitCard.data.overdue}</Descriptions.Item>
              <Descriptions.Item label={t('map.gridWorker')}>
                {unitCard.data.gridWorkers.length ? unitCard.data.gridWorkers.map((w) => w.name).join('、') : t('map.noGridWorker')}
              </Descriptions.Item>
            </Descriptions>
            <Link to={drillDownUrl({ figure: 'received', from: range[0], to: range[1], unitId: unitCard.data.unit.id })}>
              {t('map.viewCases')}
            </Link>
          </Space>
        ) : (
          unitCard.isError && <Alert type="error" message={(unitCard.error as Error).message} />
        )}
      </Drawer>
      <Drawer
        open={!!openCamera}
        onClose={() => setOpenCamera(null)}
        title={camera?.name ?? t('map.camera')}
        width={420}
        data-testid="map-camera-card"
      >
        {camera && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('map.camera')}>{`${camera.code} · ${camera.unit.name}`}</Descriptions.Item>
              <Descriptions.Item label={t('map.stream')}>
                {camera.streamUrl ? <Typography.Text copyable>{camera.streamUrl}</Typography.Text> : t('map.noStream')}
              </Descriptions.Item>
            </Descriptions>
            <List
              header={t('map.alerts')}
              size="small"
              loading={alerts.isLoading}
              dataSource={alerts.data ?? []}
              locale={{ emptyText: t('map.noAlerts') }}
              renderItem={(a) => (
                <List.Item>
                  <Space direction="vertical" size={0}>
                    <Link to={`/cases/${a.caseId}`}>{`${a.caseCode} · ${label('cameraAlert', a.alertType)} ×${a.count}`}</Link>
                    <Typography.Text type="secondary">{`${atCentre(a.lastAt).format('YYYY-MM-DD HH:mm')} · ${label('status', a.caseStatus)}`}</Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
          </Space>
        )}
      </Drawer>
    </Space>
  );
}
