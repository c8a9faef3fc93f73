/** The indicator projection (rows of core's indicator events, kept with the history) and the figures read from it. */
export {
  policyResolver,
  projectCases,
  projectIndicators,
  rebuildIndicators,
  type PolicyResolver,
  type RebuildReport,
} from './projection.js';
export { drillDown, levelCounts, unitCounts, type DrillDownItem } from './queries.js';
