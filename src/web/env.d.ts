/** The served fallback font's @font-face rules (scripts/web-build/rare-han-font.ts). */
declare module 'virtual:rare-han-font.css';
declare module '*.css';
/** mapbox/polylabel ships no types: the point inside a polygon farthest from its edges, and that distance. */
declare module 'polylabel' {
  export default function polylabel(polygon: number[][][], precision?: number, debug?: boolean): number[] & { distance: number };
}
