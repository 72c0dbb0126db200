import { useMemo } from 'react';
import type { Camera } from '../../../shared/schemas/cameras.js';
import type { MapLayers } from '../../../shared/schemas/map.js';
import { useI18n } from '../../app/i18n.js';
import { Chart, echarts, type EChartsOption } from '../../components/chart.js';
import { labelPoint } from './label-point.js';

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
    echarts.registerMap(name, {
      type: 'FeatureCollection',
      features: features.map((f) => ({ ...f, properties: { ...f.properties, name: f.properties.id } })),
    } as never);
    return name;
  }, [features, level]);
  const names = useMemo(() => new Map(features.map((f) => [f.properties.id, f.properties.name])), [features]);
  // Each unit's name at its label point, the roomiest units first in line (ECharts keeps the larger symbol's label).
  const namePoints = useMemo(() => {
    const points = features.map((f) => ({ name: f.properties.name, ...labelPoint(f.geometry) }));
    const deepest = Math.max(...points.map((p) => p.depth), 0) || 1;
    return points.map((p) => ({ name: p.name, value: p.at, symbolSize: 2 + Math.round((p.depth / deepest) * 18) }));
  }, [features]);

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
      series.push({
        name: 'heat',
        type: 'heatmap',
        coordinateSystem: 'geo',
        data: layers.cases.map((c) => [c.lng, c.lat, 1]),
        pointSize: 10,
        blurSize: 14,
        zlevel: 1,
      });
    }
    if (cameras?.length) {
      series.push({
        name: 'cameras',
        type: 'scatter',
        coordinateSystem: 'geo',
        symbol: 'pin',
        symbolSize: 22,
        data: cameras.map((c) => ({
          value: [c.lng, c.lat],
          id: c.id,
          name: c.name,
          itemStyle: { color: c.openAlerts ? '#d81b60' : c.status === 'online' ? '#43a047' : '#9e9e9e' },
        })),
        tooltip: { formatter: (p: { data: { name: string } }) => `${t('map.camera')}：${p.data.name}` },
        zlevel: 3,
      });
    }
    // The units' names, always shown: a leader reads the map by place names, not by hovering. Drawn as labels of
    // invisible points at each unit's label point, so that ECharts' `hideOverlap` (which the geo component's own
    // labels do not get) leaves out the names that would collide and shows more of them as one zooms in. `silent`:
    // a click or hover on a name is one on the unit beneath it. On top of the points, as on any map: a name half under a
    // camera pin cannot be read, a point under a name's thin strokes still can.
    series.push({
      name: 'names',
      zlevel: 4,
      type: 'scatter',
      coordinateSystem: 'geo',
      silent: true,
      // Transparent, not `opacity: 0`: the label would inherit the opacity.
      itemStyle: { color: 'transparent' },
      label: {
        show: true,
        position: 'inside',
        formatter: '{b}',
        color: text,
        fontSize: dark ? 13 : 12,
        textBorderColor: dark ? '#12325a' : '#eef3fa',
        textBorderWidth: 2,
      },
      labelLayout: { hideOverlap: true },
      data: namePoints,
    });
    return {
      tooltip: { trigger: 'item' },
      ...(caseLayer === 'heat'
        ? { visualMap: { show: false, min: 0, max: 6, seriesIndex: 1, inRange: { color: ['#2c7bb6', '#ffffbf', '#d7191c'] } } }
        : {}),
      geo: {
        map: mapName,
        roam: true,
        nameProperty: 'name',
        // The whole height for the district (ECharts leaves a wide margin otherwise): bigger cells, more names.
        top: 8,
        bottom: 8,
        // Names come from the `names` series; the region's own label would draw a second one on hover.
        label: { show: false },
        itemStyle: {
          areaColor: dark ? '#12325a' : '#eef3fa',
          borderColor: dark ? '#4f8ad1' : '#7a9cc6',
          borderWidth: level === 'grid' ? 0.6 : 1.2,
        },
        emphasis: { itemStyle: { areaColor: dark ? '#1f4f8a' : '#cfe0f5' }, label: { show: false } },
        tooltip: { formatter: (p: { name: string }) => names.get(p.name) ?? '' },
      },
      series,
    } as EChartsOption;
  }, [mapName, names, namePoints, features, layers, cameras, caseLayer, level, dark, label, t]);

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
