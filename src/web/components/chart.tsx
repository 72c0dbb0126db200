import { BarChart, HeatmapChart, LineChart, MapChart, PieChart, ScatterChart } from 'echarts/charts';
import { GeoComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core.js';
import type { CSSProperties } from 'react';

// Only what the command centre draws is bundled (tree-shaken ECharts): no CDN, no map tiles, nothing from outside.
echarts.use([BarChart, LineChart, PieChart, ScatterChart, HeatmapChart, MapChart, GridComponent, TooltipComponent, LegendComponent, GeoComponent, VisualMapComponent, CanvasRenderer]);

export { echarts };
export type EChartsOption = echarts.EChartsCoreOption;

/**
 * One ECharts chart. Animation is off (screenshots and the wall screen show the final state at once); `onClick`
 * receives ECharts' click parameters (series, name, data) so a figure can drill down to its cases.
 */
export function Chart(props: {
  option: EChartsOption;
  style?: CSSProperties;
  theme?: 'dark';
  onClick?: (params: { name: string; seriesName?: string; data?: unknown; dataIndex: number; componentType: string }) => void;
  testId?: string;
}) {
  return (
    <div data-testid={props.testId}>
      <ReactEChartsCore
        echarts={echarts}
        option={{ animation: false, backgroundColor: 'transparent', ...props.option }}
        notMerge
        theme={props.theme}
        style={props.style ?? { height: 280 }}
        onEvents={props.onClick ? { click: props.onClick } : undefined}
      />
    </div>
  );
}
