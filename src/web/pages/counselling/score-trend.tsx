import type { ServiceDetail } from '../../../shared/schemas/counselling.js';
import { Chart } from '../../components/chart.js';

/** Each scale's totals over time, one line per scale (loaded with ECharts only when a service has scores). */
export function ScoreTrend({ administrations, title }: { administrations: ServiceDetail['administrations']; title: string }) {
  const codes = [...new Set(administrations.map((a) => a.scaleCode))];
  return (
    <Chart
      testId="score-trend"
      style={{ height: 220 }}
      option={{
        title: { text: title, textStyle: { fontSize: 13 } },
        tooltip: { trigger: 'axis' },
        legend: { right: 0, top: 0 },
        grid: { left: 36, right: 12, top: 36, bottom: 24 },
        xAxis: { type: 'time' },
        yAxis: { type: 'value', minInterval: 1 },
        series: codes.map((code) => ({
          name: code,
          type: 'line',
          data: administrations.filter((a) => a.scaleCode === code).map((a) => [a.createdAt, a.total]),
        })),
      }}
    />
  );
}
