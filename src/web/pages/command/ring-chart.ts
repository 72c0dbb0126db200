import type { EChartsOption } from '../../components/chart.js';

/** One slice of a ring: what it is called, its count, and the key a click drills down with. */
export interface RingSlice {
  name: string;
  value: number;
  key?: string;
}

/**
 * Shares in tenths of a percent that add up to exactly 100.0 (largest remainder, as ECharts rounds its own `{d}`):
 * a leader who adds the legend up must not get 99.9.
 */
export function sharesOf(values: number[]): number[] {
  const total = values.reduce((s, v) => s + v, 0);
  if (!total) return values.map(() => 0);
  const exact = values.map((v) => (v / total) * 1000);
  const tenths = exact.map(Math.floor);
  let left = 1000 - tenths.reduce((s, v) => s + v, 0);
  const byRemainder = exact.map((v, i) => ({ i, r: v - Math.floor(v) })).sort((a, b) => b.r - a.r);
  for (const { i } of byRemainder) {
    if (left-- <= 0) break;
    tenths[i]! += 1;
  }
  return tenths.map((t) => t / 10);
}

/**
 * A ring of shares whose legend beside it names each slice with its share. No labels around the ring: they need room
 * on either side that a card of a 1366 px screen does not have, and ECharts shortens what does not fit ("12…",
 * "30.5…"), while a legend line is never shortened. Below 360 px (a phone) the legend goes under the ring. The
 * legend does not switch slices off: its shares would no longer match the ring.
 */
export function ringOption(slices: RingSlice[], opts: { dark?: boolean; fontSize?: number } = {}): EChartsOption {
  const shares = sharesOf(slices.map((s) => s.value));
  const shareOf = new Map(slices.map((s, i) => [s.name, shares[i]!.toFixed(1)]));
  const fontSize = opts.fontSize ?? 12;
  const text = opts.dark ? '#cfe3ff' : '#333';
  // The root is the base option; `media` adjusts it to the chart's own width (not the window's).
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { name: string; value: number }) => `${p.name}: ${p.value} (${shareOf.get(p.name) ?? '0.0'}%)`,
    },
    legend: {
      orient: 'vertical',
      right: 4,
      top: 'middle',
      selectedMode: false,
      itemGap: Math.round(fontSize * 0.8),
      textStyle: { color: text, fontSize },
      formatter: (name: string) => `${name}  ${shareOf.get(name) ?? '0.0'}%`,
    },
    // `stillShowZeroSum: false`: with nothing to share out, no ring (ECharts would draw equal slices beside 0.0%).
    series: [
      {
        type: 'pie',
        radius: ['36%', '62%'],
        center: ['30%', '50%'],
        stillShowZeroSum: false,
        label: { show: false },
        labelLine: { show: false },
        data: slices,
      },
    ],
    media: [
      {
        query: { maxWidth: 360 },
        option: {
          legend: { orient: 'horizontal', left: 'center', right: 'auto', top: 'auto', bottom: 0 },
          series: [{ center: ['50%', '38%'], radius: ['28%', '48%'] }],
        },
      },
    ],
  };
}
