import { t, type LocalizedText } from '@gridflow/core';
import { OrgUnitKind, type OrgUnit } from '../context.js';
import type { Random } from './random.js';

/*
 * The demo district: 宿城区 (Sucheng District, 宿迁市) with fictional streets, communities and grids laid out as
 * rectangles between lng 118.27–118.33 and lat 33.93–33.99. Every edge is built from the same literal
 * coordinates on both sides, so the grids tile the communities, the communities tile the streets and the streets
 * tile the district exactly: every point of the district lies in exactly one grid (points on a shared edge in
 * several, which `locate` settles by id).
 */

/** A rectangle [west, south, east, north] in degrees. */
export type Rect = readonly [west: number, south: number, east: number, north: number];

/** A closed, counter-clockwise ring (RFC 7946) around a rectangle. */
const ring = ([w, s, e, n]: Rect): number[][] => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
];

const polygon = (r: Rect): { type: 'Polygon'; coordinates: number[][][] } => ({
  type: 'Polygon',
  coordinates: [ring(r)],
});

// The lines the rectangles are cut along.
const W = 118.27;
const E = 118.33;
const S = 33.93;
const N = 33.99;
const MID_LNG = 118.3; // street s-01 | street s-02
const MID_LAT = 33.96; // north communities | south communities

/** A street office (街道) of the demo. */
export interface DemoStreet {
  id: string;
  name: LocalizedText;
  rect: Rect;
}

/** A community (社区) of the demo, inside its street. */
export interface DemoCommunity {
  id: string;
  street: string;
  name: LocalizedText;
  rect: Rect;
}

/** A grid (网格) of the demo, inside its community, with its household count. */
export interface DemoGrid {
  id: string;
  community: string;
  street: string;
  name: LocalizedText;
  households: number;
  /** One rectangle, or several for a grid in separate parts (a MultiPolygon). */
  parts: readonly Rect[];
}

/** A residential compound (小区) inside a grid, with its property company and owners' committee. */
export interface DemoCompound {
  id: string;
  grid: string;
  community: string;
  street: string;
  name: LocalizedText;
  rect: Rect;
  households: number;
  buildings: number;
  propertyCompany: { id: string; name: LocalizedText };
  ownersCommittee: { id: string; name: LocalizedText };
}

/** The demo district: 宿城区, 宿迁市 (the boundaries are fictional). */
export const DEMO_DISTRICT = {
  id: 'd-01',
  name: t('宿城区', 'Sucheng District'),
  rect: [W, S, E, N] as Rect,
} as const;

/** Two streets: west and east of lng 118.30. */
export const DEMO_STREETS: readonly DemoStreet[] = [
  { id: 's-01', name: t('古黄河街道', 'Old Yellow River Street'), rect: [W, S, MID_LNG, N] },
  { id: 's-02', name: t('运河湾街道', 'Canal Bay Street'), rect: [MID_LNG, S, E, N] },
];

/** Four communities: the north and south halves of each street. */
export const DEMO_COMMUNITIES: readonly DemoCommunity[] = [
  { id: 'c-01', street: 's-01', name: t('楚风社区', 'Chufeng Community'), rect: [W, MID_LAT, MID_LNG, N] },
  { id: 'c-02', street: 's-01', name: t('项里社区', 'Xiangli Community'), rect: [W, S, MID_LNG, MID_LAT] },
  { id: 'c-03', street: 's-02', name: t('水韵社区', 'Shuiyun Community'), rect: [MID_LNG, MID_LAT, E, N] },
  { id: 'c-04', street: 's-02', name: t('金柳社区', 'Jinliu Community'), rect: [MID_LNG, S, E, MID_LAT] },
];

const ORDINAL = ['一', '二', '三'] as const;
const grid = (id: string, community: DemoCommunity, n: number, households: number, parts: Rect[]): DemoGrid => ({
  id,
  community: community.id,
  street: community.street,
  name: t(`${community.name.zh}第${ORDINAL[n - 1]}网格`, `${community.name.en.replace(' Community', '')} Grid ${n}`),
  households,
  parts,
});

const [C1, C2, C3, C4] = DEMO_COMMUNITIES as [DemoCommunity, DemoCommunity, DemoCommunity, DemoCommunity];

/** Twelve grids, three per community, tiling it exactly; g-10 is in two parts (a MultiPolygon). */
export const DEMO_GRIDS: readonly DemoGrid[] = [
  // 楚风社区: three strips west to east.
  grid('g-01', C1, 1, 386, [[W, MID_LAT, 118.28, N]]),
  grid('g-02', C1, 2, 452, [[118.28, MID_LAT, 118.29, N]]),
  grid('g-03', C1, 3, 297, [[118.29, MID_LAT, MID_LNG, N]]),
  // 项里社区: two grids side by side in the north, one across the south.
  grid('g-04', C2, 1, 318, [[W, 33.945, 118.285, MID_LAT]]),
  grid('g-05', C2, 2, 341, [[118.285, 33.945, MID_LNG, MID_LAT]]),
  grid('g-06', C2, 3, 477, [[W, S, MID_LNG, 33.945]]),
  // 水韵社区: three bands north to south.
  grid('g-07', C3, 1, 264, [[MID_LNG, 33.98, E, N]]),
  grid('g-08', C3, 2, 409, [[MID_LNG, 33.97, E, 33.98]]),
  grid('g-09', C3, 3, 356, [[MID_LNG, MID_LAT, E, 33.97]]),
  // 金柳社区: four blocks; the first grid holds two opposite blocks (a MultiPolygon).
  grid('g-10', C4, 1, 488, [
    [MID_LNG, 33.945, 118.315, MID_LAT],
    [118.315, S, E, 33.945],
  ]),
  grid('g-11', C4, 2, 233, [[118.315, 33.945, E, MID_LAT]]),
  grid('g-12', C4, 3, 192, [[MID_LNG, S, 118.315, 33.945]]),
];

/** The six functional departments of the demo, with the default policy's department codes as ids. */
export const DEMO_DEPARTMENTS: readonly { id: string; name: LocalizedText }[] = [
  { id: 'urban_management', name: t('宿城区城市管理局', 'Sucheng Urban Management Bureau') },
  { id: 'market_regulation', name: t('宿城区市场监督管理局', 'Sucheng Market Regulation Bureau') },
  { id: 'housing', name: t('宿城区住房和城乡建设局', 'Sucheng Housing and Construction Bureau') },
  { id: 'public_security', name: t('宿迁市公安局宿城分局', 'Sucheng Public Security Sub-bureau') },
  { id: 'fire', name: t('宿城区消防救援大队', 'Sucheng Fire and Rescue Brigade') },
  { id: 'utilities', name: t('宿城区水电气暖服务中心', 'Sucheng Utilities Service Centre') },
];

/** Two residential compounds: 锦绣花园 in g-02 and 金域华府 in g-11. */
export const DEMO_COMPOUNDS: readonly DemoCompound[] = [
  {
    id: 'x-01',
    grid: 'g-02',
    community: 'c-01',
    street: 's-01',
    name: t('锦绣花园', 'Jinxiu Garden'),
    rect: [118.282, 33.972, 118.288, 33.978],
    households: 436,
    buildings: 14,
    propertyCompany: { id: 'pc-01', name: t('宿迁锦华物业服务有限公司', 'Suqian Jinhua Property Services Co.') },
    ownersCommittee: { id: 'oc-01', name: t('锦绣花园业主委员会', 'Jinxiu Garden Owners’ Committee') },
  },
  {
    id: 'x-02',
    grid: 'g-11',
    community: 'c-04',
    street: 's-02',
    name: t('金域华府', 'Jinyu Mansion'),
    rect: [118.318, 33.948, 118.326, 33.956],
    households: 218,
    buildings: 9,
    propertyCompany: { id: 'pc-02', name: t('江苏运河物业管理有限公司', 'Jiangsu Canal Property Management Co.') },
    ownersCommittee: { id: 'oc-02', name: t('金域华府业主委员会', 'Jinyu Mansion Owners’ Committee') },
  },
];

/** The GeoJSON geometry of a grid: a Polygon, or a MultiPolygon when it has several parts. */
export function gridBoundary(g: DemoGrid): NonNullable<OrgUnit['boundary']> {
  if (g.parts.length === 1) return polygon(g.parts[0] as Rect);
  return { type: 'MultiPolygon', coordinates: g.parts.map((p) => [ring(p)]) };
}

/** The centre of a rectangle. */
export const centreOf = ([w, s, e, n]: Rect): { lng: number; lat: number } => ({ lng: (w + e) / 2, lat: (s + n) / 2 });

/**
 * A point well inside a grid (away from its edges), rounded to 6 decimals (about 0.1 m) as a phone's location
 * would be.
 */
export function pointInGrid(g: DemoGrid, random: Random): { lng: number; lat: number } {
  const [w, s, e, n] = random.pick(g.parts);
  const at = (lo: number, hi: number): number =>
    Math.round((lo + (hi - lo) * (0.05 + 0.9 * random.next())) * 1e6) / 1e6;
  return { lng: at(w, e), lat: at(s, n) };
}

/** A point inside a compound. */
export function pointInCompound(c: DemoCompound, random: Random): { lng: number; lat: number } {
  const [w, s, e, n] = c.rect;
  const at = (lo: number, hi: number): number => Math.round((lo + (hi - lo) * (0.1 + 0.8 * random.next())) * 1e6) / 1e6;
  return { lng: at(w, e), lat: at(s, n) };
}

/**
 * Every unit of the demo tenant: the district, 2 streets, 4 communities, 12 grids (all with boundaries), 6
 * departments, 2 compounds (with boundaries inside their grids) and the property company and owners' committee of
 * each compound.
 *
 * @example
 * await ctx.org.upsertUnits(demoUnits('demo'));
 */
export function demoUnits(tenant: string): OrgUnit[] {
  const units: OrgUnit[] = [
    {
      tenant,
      id: DEMO_DISTRICT.id,
      kind: OrgUnitKind.DISTRICT,
      parentId: null,
      name: DEMO_DISTRICT.name,
      boundary: polygon(DEMO_DISTRICT.rect),
      attributes: { city: { zh: '宿迁市', en: 'Suqian' }, province: { zh: '江苏省', en: 'Jiangsu' }, demo: true },
    },
  ];
  for (const s of DEMO_STREETS) {
    units.push({
      tenant,
      id: s.id,
      kind: OrgUnitKind.STREET,
      parentId: DEMO_DISTRICT.id,
      name: s.name,
      boundary: polygon(s.rect),
    });
  }
  for (const c of DEMO_COMMUNITIES) {
    const households = DEMO_GRIDS.filter((g) => g.community === c.id).reduce((sum, g) => sum + g.households, 0);
    units.push({
      tenant,
      id: c.id,
      kind: OrgUnitKind.COMMUNITY,
      parentId: c.street,
      name: c.name,
      boundary: polygon(c.rect),
      attributes: { households },
    });
  }
  for (const g of DEMO_GRIDS) {
    units.push({
      tenant,
      id: g.id,
      kind: OrgUnitKind.GRID,
      parentId: g.community,
      name: g.name,
      boundary: gridBoundary(g),
      attributes: { households: g.households },
    });
  }
  for (const d of DEMO_DEPARTMENTS) {
    units.push({
      tenant,
      id: d.id,
      kind: OrgUnitKind.DEPARTMENT,
      parentId: DEMO_DISTRICT.id,
      name: d.name,
      attributes: { department: d.id },
    });
  }
  for (const x of DEMO_COMPOUNDS) {
    units.push({
      tenant,
      id: x.id,
      kind: OrgUnitKind.COMPOUND,
      parentId: x.grid,
      name: x.name,
      boundary: polygon(x.rect),
      attributes: { households: x.households, buildings: x.buildings },
    });
    units.push({
      tenant,
      id: x.propertyCompany.id,
      kind: OrgUnitKind.PROPERTY_COMPANY,
      parentId: x.id,
      name: x.propertyCompany.name,
    });
    units.push({
      tenant,
      id: x.ownersCommittee.id,
      kind: OrgUnitKind.OWNERS_COMMITTEE,
      parentId: x.id,
      name: x.ownersCommittee.name,
    });
  }
  return units;
}
