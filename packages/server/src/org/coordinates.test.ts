import { describe, expect, it } from 'vitest';
import { demoUnits } from '../demo/org.js';
import { toWgs84 } from './coordinates.js';
import { createGridLocator } from './locate.js';

/*
 * The demo grids g-01 (lng 118.27–118.28) and g-02 (118.28–118.29) share the border lng 118.28 (lat 33.96–33.99).
 * A point 250 m west of it, in g-01, reads about 550 m further east on a Chinese base map (GCJ-02) and further
 * still on Baidu's (BD-09): read as WGS-84, those readings land in g-02.
 */
const locator = createGridLocator(demoUnits('demo'));
const truth = { lng: 118.2775, lat: 33.975 };
const gcj02 = { lng: 118.283009, lat: 33.973658 };
const bd09 = { lng: 118.289558, lat: 33.979534 };

describe('coordinate systems at a grid border', () => {
  it('the point lies in g-01; its GCJ-02 and BD-09 readings taken as WGS-84 lie in the neighbouring g-02', () => {
    expect(locator.locate(truth)?.grid).toBe('g-01');
    expect(locator.locate(gcj02)?.grid).toBe('g-02');
    expect(locator.locate(bd09)?.grid).toBe('g-02');
  });

  it('converted to WGS-84 (within a few metres), both readings lie in g-01 again', () => {
    for (const [point, system] of [
      [gcj02, 'gcj02'],
      [bd09, 'bd09'],
    ] as const) {
      const wgs = toWgs84(point, system);
      expect(Math.abs(wgs.lng - truth.lng)).toBeLessThan(0.00005);
      expect(Math.abs(wgs.lat - truth.lat)).toBeLessThan(0.00005);
      expect(locator.locate(wgs)).toEqual({ grid: 'g-01', community: 'c-01', street: 's-01' });
    }
  });

  it('WGS-84 stays as given', () => {
    expect(toWgs84(truth, 'wgs84')).toEqual(truth);
  });
});
