import type { Figure } from '../../../shared/schemas/stats.js';

/** The case list filtered to exactly the cases behind a cockpit figure (same rule as the figure: docs/INDICATORS.md). */
export function drillDownUrl(opts: {
  figure: Figure;
  from: string;
  to: string;
  unitId: string;
  kind?: string;
  category?: string;
  channel?: string;
}): string {
  const q = new URLSearchParams({ figure: opts.figure, from: opts.from, to: opts.to, placeUnitId: opts.unitId });
  if (opts.kind) q.set('kind', opts.kind);
  if (opts.category) q.set('category', opts.category);
  if (opts.channel) q.set('channel', opts.channel);
  return `/cases?${q.toString()}`;
}

/** The query string of a cockpit request (also the Excel export's). */
export function cockpitQueryString(q: { from: string; to: string; unitId?: string; kind?: string; grain?: string }): string {
  const s = new URLSearchParams({ from: q.from, to: q.to });
  if (q.unitId) s.set('unitId', q.unitId);
  if (q.kind) s.set('kind', q.kind);
  if (q.grain) s.set('grain', q.grain);
  return s.toString();
}
