import { LogicEngine } from 'json-logic-engine';
import { GridflowError } from '../errors.js';
import { createCodegen } from './codegen.js';
import { NO_ABOVE, type Engine } from './jsonLogicEngine.js';
import { installOperators } from './operators.js';
import { createPlanner } from './planner.js';
import { evaluationFailed } from './ruleErrors.js';
import { isObj } from './semantics.js';

export { isTruthy } from './semantics.js';
export { ruleErrorType, type RuleErrorDetails } from './ruleErrors.js';

/**
 * Gridflow's JsonLogic evaluator, built on json-logic-engine's operator table and compiler, composed here from:
 * - `semantics.ts`: what each operator means, shared by both paths so that they give identical results;
 * - `operators.ts`: the operator table (one implementation each for the operators whose stock compiled and
 *   interpreted versions disagree; every other operator loses its stock code generator);
 * - `codegen.ts`: the **compiled** path, one generated JavaScript function per rule (`new Function`, which a
 *   strict Content-Security-Policy forbids);
 * - `planner.ts`: the **interpreted** path, one closure per rule node, no code generated.
 * See docs/rules.md.
 */

/**
 * A JsonLogic evaluator (see {@link createRuleEngine}).
 *
 * @example
 * const engine: RuleEngine = createRuleEngine({ codegen: 'off' });
 * engine.mode; // 'interpreted'
 * engine.evaluate({ '<=': [24, { var: 'h' }, 48] }, { h: 30 }); // true
 */
export interface RuleEngine {
  /** Evaluate (uses a per-rule compiled function cache keyed by rule object identity AND by JSON text). */
  evaluate(logic: unknown, data: unknown): unknown;
  /** Returns a specialised function for one rule; call it many times. */
  compile(logic: unknown): (data: unknown) => unknown;
  readonly mode: 'compiled' | 'interpreted';
}

/**
 * Options of {@link createRuleEngine}.
 *
 * @example
 * createRuleEngine({ codegen: 'off', cacheSize: 200 }); // a page whose Content-Security-Policy forbids eval
 */
export interface RuleEngineOptions {
  /** `'auto'` (default) generates code where the platform allows it; `'on'` requires it; `'off'` never generates code. */
  codegen?: 'auto' | 'on' | 'off';
  /** How many rules the JSON-text cache keeps (least recently used are dropped). Default 1,000. */
  cacheSize?: number;
}

let codegenProbe: boolean | undefined;

/**
 * True when the platform lets code be generated from strings (`new Function`, `eval`), i.e. no
 * Content-Security-Policy without `'unsafe-eval'` and no `--disallow-code-generation-from-strings`. Probed once;
 * under a CSP the probe itself may be reported as a violation, so pass `codegen: 'off'` where you know the policy.
 *
 * @example
 * createRuleEngine({ codegen: canGenerateCode() ? 'on' : 'off' });
 */
export function canGenerateCode(): boolean {
  if (codegenProbe === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const viaFunction = (new Function('return 1') as () => unknown)() === 1;
      codegenProbe = viaFunction && (0, globalThis.eval)('1') === 1;
    } catch {
      codegenProbe = false;
    }
  }
  return codegenProbe;
}

/**
 * Creates a JsonLogic evaluator. Rules are treated as immutable once evaluated: the compiled function of a rule is
 * cached by the rule object and by its JSON text. A rule with an unknown operator throws `rule.invalid` (with the
 * JSON Pointer of the operation); an evaluation that fails (division by zero, arithmetic on text, wrong
 * arguments, `throw`) throws `rule.evaluation_failed` whose `details.type` names the JsonLogic error.
 *
 * @example
 * const engine = createRuleEngine();
 * const overdue = engine.compile({ and: [{ '>': [{ var: 'case.elapsedHours' }, { var: 'case.limitHours' }] }, { '!': { var: 'case.resolved' } }] });
 * overdue({ case: { elapsedHours: 49, limitHours: 48, resolved: false } }); // true
 * engine.evaluate({ in: [{ var: 'c' }, ['a', 'b']] }, { c: 'b' }); // true
 */
export function createRuleEngine(options: RuleEngineOptions = {}): RuleEngine {
  const codegen = options.codegen ?? 'auto';
  if (codegen === 'on' && !canGenerateCode()) {
    throw new GridflowError('rule.codegen_unavailable', {
      zh: '当前环境禁止动态生成代码（内容安全策略），请改用 codegen: "auto" 或 "off"',
      en: 'This platform forbids generating code (Content-Security-Policy); use codegen "auto" or "off"',
    });
  }
  const compiled = codegen === 'on' || (codegen === 'auto' && canGenerateCode());
  const cacheSize = Math.max(1, options.cacheSize ?? 1000);
  const engine = new LogicEngine(undefined, {
    disableInline: true,
    maxDepth: Infinity,
    permissive: false,
  }) as unknown as Engine;
  const { assemble, compilers } = createCodegen(engine);
  installOperators(engine, compilers);
  const plan = createPlanner(engine);

  const build = (logic: unknown): ((data: unknown) => unknown) => {
    const interpreted = plan(logic);
    if (compiled) {
      try {
        return assemble(logic, 'rule');
      } catch {
        // A rule the code generator cannot handle runs interpreted, with the same semantics.
      }
    }
    return (data) => {
      try {
        return interpreted(data === undefined ? null : data, NO_ABOVE);
      } catch (e) {
        throw evaluationFailed(e);
      }
    };
  };
  const byObject = new WeakMap<object, (data: unknown) => unknown>();
  const byText = new Map<string, (data: unknown) => unknown>();
  const get = (logic: unknown): ((data: unknown) => unknown) => {
    if (!isObj(logic)) return () => logic;
    let fn = byObject.get(logic);
    if (fn) return fn;
    let text: string | undefined;
    try {
      text = JSON.stringify(logic);
    } catch {
      text = undefined;
    }
    fn = text === undefined ? undefined : byText.get(text);
    if (fn && text !== undefined) byText.delete(text);
    fn ??= build(logic);
    if (text !== undefined) {
      byText.set(text, fn);
      if (byText.size > cacheSize) byText.delete(byText.keys().next().value as string);
    }
    byObject.set(logic, fn);
    return fn;
  };
  return {
    mode: compiled ? 'compiled' : 'interpreted',
    evaluate: (logic, data) => (isObj(logic) ? get(logic)(data) : logic),
    compile: get,
  };
}
