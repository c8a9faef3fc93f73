/**
 * Reachability analysis of an ordered decision table (first match wins), such as the routing table: each row's
 * condition is read into a region of fact space ({@link parseCondition}) and compared with the rows above it by
 * set algebra over boxes (`setAlgebra.ts`).
 *
 * @module
 */
export {
  analyseDecisionTable,
  type AnalyseOptions,
  type DecisionRow,
  type DecisionTableAnalysis,
  type RowFinding,
  type RowPrecision,
} from './analyseDecisionTable.js';
export { operation, parseCondition, varPath, type Cond } from './parseCondition.js';
