import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrgUnit } from '../context.js';
import { DEMO_COMPOUNDS, DEMO_DISTRICT, DEMO_GRIDS, centreOf, demoUnits } from '../demo/org.js';
import { boundaryProblem, createGridLocator, type Boundary } from './locate.js';

const units = demoUnits('demo');
const locator = createGridLocator(units);
const byId = new Map(units.map((u) => [u.id, u]));
const [W, S, E, N] = DEMO_DISTRICT.rect;

const inside = (u: OrgUnit, p: { lng: number; lat: number }, strict = false): boolean =>
  booleanPointInPolygon([p.lng, p.lat], u.boundary as Boundary, { ignoreBoundary: strict });

describe('createGridLocator over the demo district', () => {
  it('indexes the 12 grids', () => {
    expect(locator.size).toBe(12);
  });

  it('locates the centre of every part of every grid in that grid, with its community and street', () => {
    for (const g of DEMO_GRIDS) {
      for (const part of g.parts) {
        expect(locator.locate(centreOf(part)), g.id).toEqual({ grid: g.id, community: g.community, street: g.street });
      }
    }
  });

  it('handles a MultiPolygon grid: both separate blocks of g-10 are g-10', () => {
    const g10 = byId.get('g-10')!;
    expect(g10.boundary?.type).toBe('MultiPolygon');
    expect(locator.locate({ lng: 118.3075, lat: 33.9525 })?.grid).toBe('g-10');
    expect(locator.locate({ lng: 118.3225, lat: 33.9375 })?.grid).toBe('g-10');
    // The other two blocks of the community are other grids.
    expect(locator.locate({ lng: 118.3225, lat: 33.9525 })?.grid).toBe('g-11');
    expect(locator.locate({ lng: 118.3075, lat: 33.9375 })?.grid).toBe('g-12');
  });

  it('puts each compound inside its grid', () => {
    for (const x of DEMO_COMPOUNDS) {
      const [w, s, e, n] = x.rect;
      for (const corner of [{ lng: w, lat: s }, { lng: e, lat: n }, centreOf(x.rect)]) {
        expect(locator.locate(corner)?.grid, x.id).toBe(x.grid);
      }
    }
  });

  it('returns null outside every grid and for points that are not coordinates', () => {
    for (const p of [
      { lng: W - 0.001, lat: 33.96 },
      { lng: E + 0.001, lat: 33.96 },
      { lng: 118.3, lat: N + 0.0001 },
      { lng: 118.3, lat: S - 0.0001 },
      { lng: 0, lat: 0 },
      { lng: Number.NaN, lat: 33.96 },
      { lng: 118.3, lat: Number.POSITIVE_INFINITY },
      { lng: 181, lat: 33.96 },
      { lng: 118.3, lat: -91 },
    ]) {
      expect(locator.locate(p), JSON.stringify(p)).toBeNull();
    }
  });

  it('settles points on shared edges and corners by the smallest grid id, whatever the order of the units', () => {
    const reversed = createGridLocator([...units].reverse());
    const cases: [{ lng: number; lat: number }, string][] = [
      [{ lng: 118.28, lat: 33.975 }, 'g-01'], // edge g-01 | g-02
      [{ lng: 118.3, lat: 33.975 }, 'g-03'], // edge g-03 | g-08 (and the street border)
      [{ lng: 118.29, lat: 33.96 }, 'g-02'], // corner of g-02, g-03 and g-05
      [{ lng: 118.315, lat: 33.945 }, 'g-10'], // the corner where g-10's two blocks meet g-11 and g-12
      [{ lng: W, lat: 33.97 }, 'g-01'], // the district's own border
    ];
    for (const [p, grid] of cases) {
      expect(locator.locate(p)?.grid, JSON.stringify(p)).toBe(grid);
      expect(reversed.locate(p)?.grid, JSON.stringify(p)).toBe(grid);
    }
  });

  it('property: every point of the district is in exactly one grid, inside its community and street', () => {
    const grids = units.filter((u) => u.kind === 'grid');
    fc.assert(
      fc.property(
        fc.double({ min: W, max: E, noNaN: true }),
        fc.double({ min: S, max: N, noNaN: true }),
        (lng, lat) => {
          const p = { lng, lat };
          const found = locator.locate(p);
          expect(found).not.toBeNull();
          // No overlaps: at most one grid holds the point strictly inside; at least one holds it (edges included).
          expect(grids.filter((g) => inside(g, p, true)).length).toBeLessThanOrEqual(1);
          const holding = grids.filter((g) => inside(g, p));
          expect(holding.map((g) => g.id)).toContain(found!.grid);
          // The grids tile the communities, which tile the streets.
          expect(byId.get(found!.grid)!.parentId).toBe(found!.community);
          expect(byId.get(found!.community!)!.parentId).toBe(found!.street);
          expect(inside(byId.get(found!.community!)!, p)).toBe(true);
          expect(inside(byId.get(found!.street!)!, p)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: every point of the district is in exactly one community and one street', () => {
    const communities = units.filter((u) => u.kind === 'community');
    const streets = units.filter((u) => u.kind === 'street');
    fc.assert(
      fc.property(
        fc.double({ min: W, max: E, noNaN: true }),
        fc.double({ min: S, max: N, noNaN: true }),
        (lng, lat) => {
          const p = { lng, lat };
          expect(communities.filter((c) => inside(c, p, true)).length).toBeLessThanOrEqual(1);
          expect(communities.some((c) => inside(c, p))).toBe(true);
          expect(streets.filter((s) => inside(s, p, true)).length).toBeLessThanOrEqual(1);
          expect(streets.some((s) => inside(s, p))).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('createGridLocator edge cases', () => {
  const square = (w: number, s: number, e: number, n: number) => [
    [w, s],
    [e, s],
    [e, n],
    [w, n],
    [w, s],
  ];
  const grid = (id: string, boundary: OrgUnit['boundary'], parentId: string | null = null): OrgUnit => ({
    tenant: 't',
    id,
    kind: 'grid',
    parentId,
    name: { zh: id, en: id },
    ...(boundary ? { boundary } : {}),
  });

  it('respects holes: a point in a hole is in no grid', () => {
    const l = createGridLocator([
      grid('g-ring', { type: 'Polygon', coordinates: [square(0, 0, 10, 10), square(4, 4, 6, 6)] }),
    ]);
    expect(l.locate({ lng: 1, lat: 1 })?.grid).toBe('g-ring');
    expect(l.locate({ lng: 5, lat: 5 })).toBeNull();
  });

  it('skips grids without a boundary or with a broken one, and reports no community or street when the tree has none', () => {
    const l = createGridLocator([
      grid('g-none', undefined),
      grid('g-broken', {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
          ],
        ],
      }),
      grid('g-ok', { type: 'Polygon', coordinates: [square(0, 0, 1, 1)] }, 'missing-parent'),
    ]);
    expect(l.size).toBe(1);
    expect(l.locate({ lng: 0.5, lat: 0.5 })).toEqual({ grid: 'g-ok', community: null, street: null });
  });

  it('finds the community and street through units in between and survives a parent cycle', () => {
    const mk = (id: string, kind: OrgUnit['kind'], parentId: string | null): OrgUnit => ({
      tenant: 't',
      id,
      kind,
      parentId,
      name: { zh: id, en: id },
    });
    const l = createGridLocator([
      mk('s', 'street', 'd'),
      mk('d', 'district', null),
      mk('c', 'community', 's'),
      mk('x', 'compound', 'c'),
      grid('g', { type: 'Polygon', coordinates: [square(0, 0, 1, 1)] }, 'x'),
      mk('loop-a', 'compound', 'loop-b'),
      mk('loop-b', 'compound', 'loop-a'),
      grid('g-loop', { type: 'Polygon', coordinates: [square(2, 2, 3, 3)] }, 'loop-a'),
    ]);
    expect(l.locate({ lng: 0.5, lat: 0.5 })).toEqual({ grid: 'g', community: 'c', street: 's' });
    expect(l.locate({ lng: 2.5, lat: 2.5 })).toEqual({ grid: 'g-loop', community: null, street: null });
  });
});

describe('boundaryProblem', () => {
  it('accepts the demo boundaries', () => {
    for (const u of units) if (u.boundary) expect(boundaryProblem(u.boundary), u.id).toBeNull();
  });

  it('names what is wrong', () => {
    expect(boundaryProblem(null)).toMatch(/GeoJSON/);
    expect(boundaryProblem({ type: 'Point', coordinates: [0, 0] })).toMatch(/Polygon or MultiPolygon/);
    expect(boundaryProblem({ type: 'Polygon', coordinates: [] })).toMatch(/non-empty/);
    expect(
      boundaryProblem({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [0, 0],
          ],
        ],
      }),
    ).toMatch(/at least 4/);
    expect(
      boundaryProblem({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      }),
    ).toMatch(/closed/);
    expect(
      boundaryProblem({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 'x'],
            [0, 0],
          ],
        ],
      }),
    ).toMatch(/\[lng, lat\]/);
    expect(
      boundaryProblem({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [200, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      }),
    ).toMatch(/\[lng, lat\]/);
    expect(boundaryProblem({ type: 'MultiPolygon', coordinates: [] })).toMatch(/non-empty/);
    expect(
      boundaryProblem({
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [0, 0],
              [1, 0],
              [1, 1],
            ],
          ],
        ],
      }),
    ).toMatch(/coordinates\[0\]/);
  });
});
