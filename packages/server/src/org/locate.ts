import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { OrgUnitKind, type OrgUnit } from '../context.js';

/** A point in WGS 84 degrees. */
export interface GeoPoint {
  lng: number;
  lat: number;
}

/** Where a point lies: its grid and the community and street above that grid (null when the tree has none). */
export interface GridLocation {
  grid: string;
  community: string | null;
  street: string | null;
}

/** Finds the grid of a point among a fixed set of grid boundaries. */
export interface GridLocator {
  /** The grid containing the point, or null when no grid does (or the point is not a valid coordinate). */
  locate(point: GeoPoint): GridLocation | null;
  /** How many grids with a boundary the locator searches. */
  readonly size: number;
}

/** A GeoJSON Polygon or MultiPolygon geometry, as {@link OrgUnit.boundary} holds it once checked. */
export type Boundary = Polygon | MultiPolygon;

interface IndexedGrid {
  id: string;
  geometry: Boundary;
  /** [west, south, east, north]: most points are rejected by it before the exact test. */
  bbox: [number, number, number, number];
  community: string | null;
  street: string | null;
}

/**
 * Builds a locator over the grids of one tenant's units: every unit of kind `grid` with a boundary, with its
 * community and street found by walking up `parentId` (so a grid may hang below a community directly or below
 * another unit in between).
 *
 * Points on a border: a point on the edge shared by two grids (or on a corner shared by several) lies in all of
 * them by the boundary-inclusive test. The locator then prefers a grid containing the point strictly inside, and
 * otherwise the grid with the smallest id (byte order), so the answer never depends on the order grids were
 * stored in. A point outside every grid gives null.
 *
 * @example
 * const locator = createGridLocator(await org.tree('demo'));
 * locator.locate({ lng: 118.275, lat: 33.975 }); // { grid: 'g-01', community: 'c-01', street: 's-01' }
 */
export function createGridLocator(units: readonly OrgUnit[]): GridLocator {
  const byId = new Map(units.map((u) => [u.id, u]));
  const ancestorOfKind = (unit: OrgUnit, kind: OrgUnitKind): string | null => {
    const seen = new Set<string>([unit.id]);
    let parentId = unit.parentId;
    while (parentId !== null && !seen.has(parentId)) {
      const parent = byId.get(parentId);
      if (parent === undefined) return null;
      if (parent.kind === kind) return parent.id;
      seen.add(parentId);
      parentId = parent.parentId;
    }
    return null;
  };
  const grids: IndexedGrid[] = [];
  for (const unit of units) {
    if (unit.kind !== OrgUnitKind.GRID || unit.boundary === undefined) continue;
    if (boundaryProblem(unit.boundary) !== null) continue;
    const geometry = unit.boundary as Boundary;
    grids.push({
      id: unit.id,
      geometry,
      bbox: bboxOf(geometry),
      community: ancestorOfKind(unit, OrgUnitKind.COMMUNITY),
      street: ancestorOfKind(unit, OrgUnitKind.STREET),
    });
  }
  // Smallest id first: the tie-break for points on shared borders.
  grids.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  return {
    size: grids.length,
    locate(point) {
      if (!isCoordinate(point)) return null;
      const { lng, lat } = point;
      const position: Position = [lng, lat];
      let onBorder: IndexedGrid | undefined;
      for (const g of grids) {
        const [w, s, e, n] = g.bbox;
        if (lng < w || lng > e || lat < s || lat > n) continue;
        if (!booleanPointInPolygon(position, g.geometry)) continue;
        if (booleanPointInPolygon(position, g.geometry, { ignoreBoundary: true })) return toLocation(g);
        onBorder ??= g;
      }
      return onBorder === undefined ? null : toLocation(onBorder);
    },
  };
}

const toLocation = (g: IndexedGrid): GridLocation => ({ grid: g.id, community: g.community, street: g.street });

function isCoordinate(point: GeoPoint): boolean {
  return (
    typeof point === 'object' &&
    point !== null &&
    Number.isFinite(point.lng) &&
    Number.isFinite(point.lat) &&
    Math.abs(point.lng) <= 180 &&
    Math.abs(point.lat) <= 90
  );
}

function bboxOf(geometry: Boundary): [number, number, number, number] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (const [x, y] of ring as [number, number][]) {
        if (x < w) w = x;
        if (x > e) e = x;
        if (y < s) s = y;
        if (y > n) n = y;
      }
    }
  }
  return [w, s, e, n];
}

/**
 * Checks that a value is a GeoJSON Polygon or MultiPolygon in WGS 84: rings of at least four positions, closed
 * (first = last), each position `[lng, lat]` of finite numbers within range. Returns what is wrong, in English,
 * or null when the geometry is fine.
 *
 * @example
 * boundaryProblem({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }); // null
 * boundaryProblem({ type: 'Point', coordinates: [0, 0] }); // 'type must be Polygon or MultiPolygon'
 */
export function boundaryProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'a boundary must be a GeoJSON geometry object';
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (type === 'Polygon') return polygonProblem(coordinates, 'coordinates');
  if (type === 'MultiPolygon') {
    if (!Array.isArray(coordinates) || coordinates.length === 0)
      return 'coordinates must be a non-empty array of polygons';
    for (const [i, polygon] of coordinates.entries()) {
      const problem = polygonProblem(polygon, `coordinates[${i}]`);
      if (problem !== null) return problem;
    }
    return null;
  }
  return 'type must be Polygon or MultiPolygon';
}

function polygonProblem(rings: unknown, path: string): string | null {
  if (!Array.isArray(rings) || rings.length === 0) return `${path} must be a non-empty array of linear rings`;
  for (const [i, ring] of rings.entries()) {
    const at = `${path}[${i}]`;
    if (!Array.isArray(ring) || ring.length < 4) return `${at} must be a ring of at least 4 positions`;
    for (const [j, position] of ring.entries()) {
      if (!isPosition(position)) return `${at}[${j}] must be [lng, lat] in degrees`;
    }
    const first = ring[0] as number[];
    const last = ring[ring.length - 1] as number[];
    if (first[0] !== last[0] || first[1] !== last[1])
      return `${at} must be closed (its last position equal to its first)`;
  }
  return null;
}

function isPosition(value: unknown): boolean {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) return false;
  const [lng, lat] = value as unknown[];
  return (
    typeof lng === 'number' &&
    typeof lat === 'number' &&
    Number.isFinite(lng) &&
    Number.isFinite(lat) &&
    Math.abs(lng) <= 180 &&
    Math.abs(lat) <= 90
  );
}
