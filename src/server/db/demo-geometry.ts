import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { Delaunay } from 'd3-delaunay';
import polygonClipping, { type MultiPolygon, type Polygon } from 'polygon-clipping';
import type { UnitBoundary } from '../../shared/schemas/map.js';

/**
 * Invented boundaries for the demo district, clearly marked `demo` wherever shown: streets are Voronoi cells of
 * seed points over the district's box, communities are cells of points inside their street clipped to it, grids split
 * their community the same way. Deterministic (a seeded generator), so every demo install draws the same map.
 * Not survey data: an admin imports the real GeoJSON.
 */

/** The demo district's box (WGS84), around 焦作 示范区 east of the city centre. */
const BOX: [number, number, number, number] = [113.17, 35.16, 113.37, 35.3];
/** 文苑街道 sits where the demo camera points are (113.24, 35.24). */
const STREET_SEEDS: Record<string, [number, number]> = {
  '410871060': [113.21, 35.265],
  '410871061': [113.245, 35.238],
  '410871062': [113.3, 35.27],
  '410871100': [113.2, 35.19],
  '410871101': [113.27, 35.185],
  '410871203': [113.335, 35.2],
};

/** A small deterministic random generator (mulberry32). */
export function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (n: number) => Math.round(n * 1e5) / 1e5;

function bboxOf(poly: MultiPolygon): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of poly)
    for (const [x, y] of p[0]!) [x0, y0, x1, y1] = [Math.min(x0, x!), Math.min(y0, y!), Math.max(x1, x!), Math.max(y1, y!)];
  return [x0, y0, x1, y1];
}

function asGeo(poly: MultiPolygon): UnitBoundary {
  const rounded = poly.map((p) => p.map((ring) => ring.map(([x, y]) => [round(x!), round(y!)] as [number, number])));
  return rounded.length === 1 ? { type: 'Polygon', coordinates: rounded[0]! } : { type: 'MultiPolygon', coordinates: rounded };
}

/** A random point inside `poly` (rejection sampling in its box). */
export function pointInside(poly: UnitBoundary, random: () => number): [number, number] {
  const multi: MultiPolygon = poly.type === 'Polygon' ? [poly.coordinates as Polygon] : (poly.coordinates as MultiPolygon);
  const [x0, y0, x1, y1] = bboxOf(multi);
  for (let i = 0; i < 200; i++) {
    const p: [number, number] = [x0 + (x1 - x0) * random(), y0 + (y1 - y0) * random()];
    if (booleanPointInPolygon(p, poly)) return p;
  }
  return [(x0 + x1) / 2, (y0 + y1) / 2];
}

/** Splits `area` into one cell per seed point, each clipped to `area`. */
function split(area: MultiPolygon, seeds: [number, number][]): MultiPolygon[] {
  const [x0, y0, x1, y1] = bboxOf(area);
  const voronoi = Delaunay.from(seeds).voronoi([x0 - 0.01, y0 - 0.01, x1 + 0.01, y1 + 0.01]);
  return seeds.map((_, i) => {
    const cell = voronoi.cellPolygon(i) as [number, number][] | null;
    return cell ? polygonClipping.intersection(area, [[cell]]) : [];
  });
}

interface Node {
  code: string;
  kind: string;
  children: Node[];
}

/** Boundaries by unit code for the demo tree (streets, communities, grids). */
export function demoBoundaries(district: Node): Map<string, UnitBoundary> {
  const out = new Map<string, UnitBoundary>();
  const random = seeded(410871);
  const box: MultiPolygon = [
    [
      [
        [BOX[0], BOX[1]],
        [BOX[2], BOX[1]],
        [BOX[2], BOX[3]],
        [BOX[0], BOX[3]],
        [BOX[0], BOX[1]],
      ],
    ],
  ];
  const streets = district.children.filter((c) => c.kind === 'street');
  const streetSeeds = streets.map(
    (s, i): [number, number] => STREET_SEEDS[s.code] ?? [BOX[0] + (BOX[2] - BOX[0]) * ((i + 0.5) / streets.length), (BOX[1] + BOX[3]) / 2],
  );
  split(box, streetSeeds).forEach((streetArea, i) => {
    const street = streets[i]!;
    if (!streetArea.length) return;
    const streetGeo = asGeo(streetArea);
    out.set(street.code, streetGeo);
    const communities = street.children.filter((c) => c.kind === 'community');
    if (!communities.length) return;
    const seeds = communities.map(() => pointInside(streetGeo, random));
    split(streetArea, seeds).forEach((communityArea, j) => {
      const community = communities[j]!;
      if (!communityArea.length) return;
      const communityGeo = asGeo(communityArea);
      out.set(community.code, communityGeo);
      const grids = community.children.filter((c) => c.kind === 'grid');
      if (!grids.length) return;
      const gridSeeds = grids.map(() => pointInside(communityGeo, random));
      split(communityArea, gridSeeds).forEach((gridArea, k) => {
        if (gridArea.length) out.set(grids[k]!.code, asGeo(gridArea));
      });
    });
  });
  return out;
}
