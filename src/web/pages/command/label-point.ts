import polylabel from 'polylabel';
import type { UnitBoundary } from '../../../shared/schemas/map.js';

/**
 * Where a unit's name goes on the map: the point farthest inside its largest part (mapbox's polylabel, the "pole of
 * inaccessibility"), not the centre of its box, which lies outside an L-shaped village. `depth` is that point's distance
 * to the edge, in degrees: the roomier a unit, the sooner its name is kept when names collide.
 */
export function labelPoint(geometry: UnitBoundary): { at: [number, number]; depth: number } {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best = { at: [0, 0] as [number, number], depth: -1 };
  for (const rings of polygons) {
    const outer = rings[0]!;
    const xs = outer.map((p) => p[0]!);
    const ys = outer.map((p) => p[1]!);
    // A hundredth of the part's size: precise enough for a label, cheap for a thousand grids.
    const precision = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) / 100 || 1e-6;
    const p = polylabel(rings as number[][][], precision);
    if (p.distance > best.depth) best = { at: [p[0]!, p[1]!], depth: p.distance };
  }
  return best;
}
