import gcoord from 'gcoord';
import type { GeoPoint } from './locate.js';

/**
 * The coordinate systems intake accepts. Phones' system location and GPS give WGS-84 (`wgs84`); Chinese base maps
 * (高德/AutoNavi, 腾讯, the WeChat location picker) give GCJ-02 (`gcj02`, 国测局坐标), Baidu maps BD-09 (`bd09`). The
 * two are offset from WGS-84 by hundreds of metres — more than a grid — so a point is converted to WGS-84, in which
 * grid boundaries and stored locations are kept, before it is located or stored.
 */
export const COORDINATE_SYSTEMS = ['wgs84', 'gcj02', 'bd09'] as const;
export type CoordinateSystem = (typeof COORDINATE_SYSTEMS)[number];

/** The JSON Schema of a `coordinateSystem` field (default `wgs84`). */
export const coordinateSystemSchema = {
  type: 'string',
  enum: [...COORDINATE_SYSTEMS],
  default: 'wgs84',
  description:
    'The coordinate system of the point: `wgs84` (GPS, the default), `gcj02` (高德, 腾讯, WeChat) or `bd09` (Baidu). The server converts it to WGS-84, in which it locates and stores points.',
} as const;

const CRS = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** True for a coordinate system intake accepts. */
export function isCoordinateSystem(value: unknown): value is CoordinateSystem {
  return typeof value === 'string' && (COORDINATE_SYSTEMS as readonly string[]).includes(value);
}

/**
 * A point in `system` converted to WGS-84 (gcoord). Outside China GCJ-02 and BD-09 are not offset, and gcoord
 * returns such points unchanged.
 *
 * @example
 * toWgs84({ lng: 118.283009, lat: 33.973658 }, 'gcj02'); // ≈ { lng: 118.2775, lat: 33.975 }
 */
export function toWgs84(point: GeoPoint, system: CoordinateSystem): GeoPoint {
  if (system === 'wgs84') return { lng: point.lng, lat: point.lat };
  const [lng, lat] = gcoord.transform<[number, number]>([point.lng, point.lat], CRS[system], gcoord.WGS84);
  return { lng, lat };
}
