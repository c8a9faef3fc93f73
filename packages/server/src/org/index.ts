/**
 * The organisation: units (district, streets, communities, grids, compounds, departments…) with GeoJSON
 * boundaries, directory users, and locating a point in its grid.
 */
export { createOrgRepository, type OrgRepositoryOptions } from './orgRepository.js';
export {
  boundaryProblem,
  createGridLocator,
  type Boundary,
  type GeoPoint,
  type GridLocation,
  type GridLocator,
} from './locate.js';
export {
  COORDINATE_SYSTEMS,
  coordinateSystemSchema,
  isCoordinateSystem,
  toWgs84,
  type CoordinateSystem,
} from './coordinates.js';
