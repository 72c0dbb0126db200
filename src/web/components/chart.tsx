import { BarChart, HeatmapChart, LineChart, MapChart, PieChart, ScatterChart } from 'echarts/charts';
import { GeoComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { LabelLayout } from 'echarts/features';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core.js';
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';

// Only what the command centre draws is bundled (tree-shaken ECharts): no CDN, no map tiles, nothing from outside.
// LabelLayout: `labelLayout: { hideOverlap }`, so the map's unit names leave out the ones that would collide.
echarts.use([
  BarChart,
  LineChart,
  PieChart,
  ScatterChart,
  HeatmapChart,
  MapChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  GeoComponent,
  VisualMapComponent,
  LabelLayout,
  CanvasRenderer,
]);

export { echarts };
export type EChartsOption = echarts.EChartsCoreOption;

/**
 * The element a chart is drawn in, holding the ECharts instance that drew it: a canvas shows no text to the DOM, so the
 * browser tests read the labels ECharts really drew (whole, inside the canvas, not on top of each other) from here.
 */
export type ChartElement = HTMLDivElement & { chart?: echarts.ECharts };

/**
 * One ECharts chart. Animation is off (screenshots and the wall screen show the final state at once); `onClick`
 * receives ECharts' click parameters (series, name, data) so a figure can drill down to its cases. `data-drawn` on the
 * wrapper turns "true" once ECharts has finished drawing the current option, so a test clicks what is really drawn.
 */
export function Chart(props: {
  option: EChartsOption;
  style?: CSSProperties;
  theme?: 'dark';
  onClick?: (params: { name: string; seriesName?: string; data?: unknown; dataIndex: number; componentType: string }) => void;
  testId?: string;
}) {
  const latest = useRef(props.option);
  latest.current = props.option;
  const wrapper = useRef<ChartElement>(null);
  const merged = useMemo(() => ({ animation: false, backgroundColor: 'transparent', ...props.option }), [props.option]);
  const [drawn, setDrawn] = useState<EChartsOption | null>(null);
  const { onClick } = props;
  const events = useMemo(() => ({ finished: () => setDrawn(latest.current), ...(onClick ? { click: onClick } : {}) }), [onClick]);
  // ECharts draws an option inside `setOption`, so the first drawing ends before echarts-for-react listens for
  // `finished`, and an option equal to the last one is not set at all: one more frame after each new option (and after
  // the first) makes `finished` say so, which keeps `data-drawn` true to what the canvas shows.
  useEffect(() => {
    wrapper.current?.chart?.getZr().refresh();
  }, [props.option]);
  const handleReady = useCallback((instance: echarts.ECharts) => {
    if (wrapper.current) wrapper.current.chart = instance;
    instance.getZr().refresh();
  }, []);
  return (
    <div ref={wrapper} data-testid={props.testId} data-drawn={drawn === props.option}>
      <ReactEChartsCore
        echarts={echarts}
        option={merged}
        notMerge
        theme={props.theme}
        style={props.style ?? { height: 280 }}
        onEvents={events}
        onChartReady={handleReady}
      />
    </div>
  );
}
