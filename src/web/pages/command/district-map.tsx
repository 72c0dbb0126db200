import { useMemo } from 'react';
import type { Camera } from '../../../shared/schemas/cameras.js';
import type { MapLayers } from '../../../shared/schemas/map.js';
import { useI18n } from '../../app/i18n.js';
import { Chart, echarts, type EChartsOption } from '../../components/chart.js';

export type MapLevel = 'street' | 'community' | 'grid';
export type CaseLayer = 'points' | 'heat' | 'none';

const RISK_COLOURS = { high: '#e53935', medium: '#fb8c00', low: '#1e88e5' } as const;
const OPEN = new Set(['registered', 'accepted', 'dispatched', 'in_progress', 'suspended']);

/**
 * The district drawn from its own GeoJSON with ECharts (no tile server, nothing fetched from outside): the units of one
 * level as regions shaded by their number of cases, the cases as points coloured by risk (filled: open, hollow:
 * closed) or as a heat layer, the cameras as pins. Clicking a region gives its unit id; clicking a camera, its id.
 */
export function DistrictMap(props: {
  layers: MapLayers;
  cameras?: Camera[];
  level: MapLevel;
  caseLayer: CaseLayer;
  dark?: boolean;
  height: number;
  onUnit?: (unitId: string) => void;
  onCamera?: (cameraId: string) => void;
  onCase?: (caseId: string) => void;
}) {
  const { t, label } = useI18n();
  const { layers, cameras, level, caseLayer, dark } = props;
  const features = useMemo(() => layers.boundaries.features.filter((f) => f.properties.kind === level), [layers, level]);
  // One registered map per set of features: ECharts keys maps by name.
  const mapName = useMemo(() => {
    const name = `fq-${level}-${features.length}-${features[0]?.properties.id ?? 'none'}`;
    echarts.registerMap(name, { type: 'FeatureCollection', features: features.map((f) => ({ ...f, properties: { ...f.properties, name: f.properties.id } })) } as never);
    return name;
  }, [features, level]);
  const names = useMemo(() => new Map(features.map((f) => [f.properties.id, f.properties.name])), [features]);

  const option = useMemo<EChartsOption>(() => {
    const text = dark ? '#cfe3ff' : '#333';
    // The regions as a map series on the geo component: its clicks carry the region's name (the unit id).
    const series: unknown[] = [
      {
        name: 'units',
        type: 'map',
        geoIndex: 0,
        selectedMode: false,
        data: features.map((f) => ({ name: f.properties.id, value: 0 })),
        tooltip: { formatter: (p: { name: string }) => names.get(p.name) ?? '' },
      },
    ];
    if (caseLayer === 'points') {
      series.push({
        name: 'cases',
        type: 'scatter',
        coordinateSystem: 'geo',
        symbolSize: 7,
        data: layers.cases.map((c) => ({
          value: [c.lng, c.lat],
          id: c.id,
          name: `${c.code} ${c.summary}`,
          symbol: OPEN.has(c.status) ? 'circle' : 'emptyCircle',
          itemStyle: { color: RISK_COLOURS[c.riskLevel] },
          status: label('status', c.status),
        })),
        tooltip: { formatter: (p: { data: { name: string; status: string } }) => `${p.data.name}<br/>${p.data.status}` },
        zlevel: 2,
      });
    } else if (caseLayer === 'heat') {
      series.push({ name: 'heat', type: 'heatmap', coordinateSystem: 'geo', data: layers.cases.map((c) => [c.lng, c.lat, 1]), pointSize: 10, blurSize: 14, zlevel: 1 });
    }
    if (cameras?.length) {
      series.push({
        name: 'cameras',
        type: 'scatter',
        coordinateSystem: 'geo',
        symbol: 'pin',
        symbolSize: 22,
        data: cameras.map((c) => ({ value: [c.lng, c.lat], id: c.id, name: c.name, itemStyle: { color: c.openAlerts ? '#d81b60' : c.status === 'online' ? '#43a047' : '#9e9e9e' } })),
        tooltip: { formatter: (p: { data: { name: string } }) => `${t('map.camera')}：${p.data.name}` },
        zlevel: 3,
      });
    }
    return {
      tooltip: { trigger: 'item' },
      ...(caseLayer === 'heat' ? { visualMap: { show: false, min: 0, max: 6, seriesIndex: 1, inRange: { color: ['#2c7bb6', '#ffffbf', '#d7191c'] } } } : {}),
      geo: {
        map: mapName,
        roam: true,
        nameProperty: 'name',
        label: { show: level === 'street', color: text, formatter: (p: { name: string }) => names.get(p.name) ?? '' },
        itemStyle: { areaColor: dark ? '#12325a' : '#eef3fa', borderColor: dark ? '#4f8ad1' : '#7a9cc6', borderWidth: level === 'grid' ? 0.6 : 1.2 },
        emphasis: { itemStyle: { areaColor: dark ? '#1f4f8a' : '#cfe0f5' }, label: { show: true, color: text, formatter: (p: { name: string }) => names.get(p.name) ?? '' } },
        tooltip: { formatter: (p: { name: string }) => names.get(p.name) ?? '' },
      },
      series,
    } as EChartsOption;
  }, [mapName, names, features, layers, cameras, caseLayer, level, dark, label, t]);

  // What is drawn, in the DOM: a test (or a screen reader) can tell when the layers it chose are on the map.
  return (
    <div data-testid="district-map-frame" data-case-layer={caseLayer} data-cameras={cameras?.length ?? 0} data-level={level}>
    <Chart
      testId="district-map"
      option={option}
      style={{ height: props.height }}
      onClick={(p) => {
        if (p.componentType === 'geo' || p.seriesName === 'units') props.onUnit?.(p.name);
        else if (p.seriesName === 'cameras') props.onCamera?.((p.data as { id: string }).id);
        else if (p.seriesName === 'cases') props.onCase?.((p.data as { id: string }).id);
      }}
    />
    </div>
  );
}
