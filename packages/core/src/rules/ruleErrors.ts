import { GridflowError } from '../errors.js';
import { isObj } from './semantics.js';

/** The errors a rule's evaluation raises, as JsonLogic names them and as Gridflow reports them. */

/**
 * The `details` of a `rule.evaluation_failed` error: the JsonLogic error type, as engines report it.
 *
 * @example
 * try { engine.evaluate({ '/': [1, 0] }, null); } catch (e) { (e as GridflowError).details; } // { type: 'NaN' }
 */
export interface RuleErrorDetails {
  type: string;
}

/** The Chinese words for the JsonLogic error types users meet. */
const ERROR_ZH: Record<string, string> = {
  NaN: '结果不是有效数字（例如除以零，或对非数字做算术、比较）',
  'Invalid Arguments': '运算符的参数个数或类型不正确',
};

/** The `rule.evaluation_failed` error for what a rule threw (a Gridflow error passes through as it is). */
export function evaluationFailed(e: unknown): GridflowError {
  if (e instanceof GridflowError) return e;
  const type = ruleErrorType(e);
  const details: RuleErrorDetails = { type };
  return new GridflowError(
    'rule.evaluation_failed',
    { zh: `规则求值失败：${ERROR_ZH[type] ?? type}`, en: `The rule could not be evaluated: ${type}` },
    { details, cause: e },
  );
}

/**
 * What a thrown value says about itself, the way JsonLogic engines and the conformance suites name errors:
 * `'NaN'`, `'Invalid Arguments'`, or the `type` of an error thrown with the `throw` operator.
 *
 * @example
 * ruleErrorType(NaN); // 'NaN'
 * ruleErrorType({ type: 'Invalid Arguments' }); // 'Invalid Arguments'
 */
export function ruleErrorType(e: unknown): string {
  if (isObj(e)) {
    const r = e as { type?: string; message?: string };
    if (r.type) return String(r.type);
    if (r.message) return String(r.message);
  }
  return String(e);
}
