import { BarChart, HeatmapChart, LineChart, MapChart, PieChart, ScatterChart } from 'echarts/charts';
import { GeoComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core.js';
import { useMemo, useRef, useState, type CSSProperties } from 'react';

// Only what the command centre draws is bundled (tree-shaken ECharts): no CDN, no map tiles, nothing from outside.
echarts.use([BarChart, LineChart, PieChart, ScatterChart, HeatmapChart, MapChart, GridComponent, TooltipComponent, LegendComponent, GeoComponent, VisualMapComponent, CanvasRenderer]);

export { echarts };
export type EChartsOption = echarts.EChartsCoreOption;

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
  const merged = useMemo(() => ({ animation: false, backgroundColor: 'transparent', ...props.option }), [props.option]);
  const [drawn, setDrawn] = useState<EChartsOption | null>(null);
  const { onClick } = props;
  const events = useMemo(
    () => ({ finished: () => setDrawn(latest.current), ...(onClick ? { click: onClick } : {}) }),
    [onClick],
  );
  return (
    <div data-testid={props.testId} data-drawn={drawn === props.option}>
      <ReactEChartsCore
        echarts={echarts}
        option={merged}
        notMerge
        theme={props.theme}
        style={props.style ?? { height: 280 }}
        onEvents={events}
      />
    </div>
  );
}
