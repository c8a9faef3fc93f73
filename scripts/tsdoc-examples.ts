import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/*
 * The `@example` of every export of a package's public API, as code a test runs. A line of an example that ends
 * in a comment states what the expression on it gives:
 *
 *   localize({ zh: '网格', en: 'Grid' }, 'en'); // 'Grid'
 *
 * and becomes an assertion. `…` in the stated value means "and more": `{ code: 'input.required', … }` is an
 * object with at least that property, `[1, …]` an array starting so, and `'已超时…'` a string starting so.
 * A comment that does not parse as a value (`// 12 working hours`) is prose and asserts nothing.
 */

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** One example: the export it documents, where it is written, and its code. */
export interface DocExample {
  name: string;
  file: string;
  line: number;
  code: string;
}

/** The examples of every export of the package in `packageDir`, each declaration once. */
export function examplesOf(packageDir: string): DocExample[] {
  const dir = join(root, packageDir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { types?: string }>;
  };
  const entries = Object.values(pkg.exports)
    .filter((target): target is { types: string } => typeof target === 'object' && target.types !== undefined)
    .map((target) => join(dir, target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts')));
  const program = ts.createProgram(entries, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const seen = new Set<ts.Node>();
  const out: DocExample[] = [];
  for (const entry of entries) {
    const source = program.getSourceFile(entry);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      for (const declaration of symbol.declarations ?? []) {
        if (seen.has(declaration)) continue;
        // A re-export of a dependency (xstate's assertEvent) is documented there, not here.
        if (declaration.getSourceFile().fileName.includes('/node_modules/')) continue;
        seen.add(declaration);
        // The doc comment of `export const x = …` sits on its statement, not on the declarator.
        const host = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
        for (const tag of ts.getJSDocTags(host)) {
          if (tag.tagName.text !== 'example' || typeof tag.comment !== 'string') continue;
          if (tag.parent.parent !== host && tag.parent !== host) continue; // a member's tag, not this export's
          const file = declaration.getSourceFile();
          out.push({
            name: exported.getName(),
            file: relative(root, file.fileName),
            line: file.getLineAndCharacterOfPosition(tag.getStart()).line + 1,
            code: tag.comment,
          });
        }
      }
    }
  }
  return out;
}

/** Marks "and more" in a stated value: spread into an object or an array, it leaves this behind. */
export const MORE = Symbol('…');

/**
 * The example as JavaScript that calls `__check(actual, expected, stated)` for every stated value: a comment after
 * a statement, on its line or on the comment lines right below it. For `const x = …; // value` the actual is `x`.
 * Its TypeScript is transpiled; its imports are dropped: the names it uses are the caller's to provide.
 */
export function compileExample(code: string): string {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: { at: number; end: number; text: string }[] = [];
  const statements = source.statements;
  statements.forEach((statement, i) => {
    // An import names what the example uses; the test gives those names in its scope.
    if (ts.isImportDeclaration(statement)) {
      edits.push({ at: statement.getStart(), end: statement.end, text: '' });
      return;
    }
    const next = i + 1 < statements.length ? statements[i + 1]!.getStart() : code.length;
    const comments = (ts.getTrailingCommentRanges(code, statement.end) ?? [])
      .concat(ts.getLeadingCommentRanges(code, statement.end) ?? [])
      .filter((r, k, all) => r.end <= next && all.findIndex((o) => o.pos === r.pos) === k)
      .filter((r) => code.slice(r.pos, r.pos + 2) === '//');
    if (comments.length === 0) return;
    // Only comment lines that follow one another directly, from the statement's own line on.
    let text = '';
    let last = statement.end;
    for (const r of comments) {
      if (code.slice(last, r.pos).split('\n').length > 2) break;
      text += ' ' + code.slice(r.pos + 2, r.end).trim();
      last = r.end;
    }
    const expected = statedValue(text.trim());
    if (!expected) return;
    const stated = JSON.stringify(expected.text);
    if (ts.isExpressionStatement(statement)) {
      const expr = code.slice(statement.expression.getStart(), statement.expression.end);
      edits.push({
        at: statement.getStart(),
        end: statement.end,
        text: `__check((${expr}), ${expected.js}, ${stated});`,
      });
    } else if (ts.isVariableStatement(statement)) {
      const [declaration] = statement.declarationList.declarations;
      if (declaration && ts.isIdentifier(declaration.name)) {
        edits.push({
          at: statement.end,
          end: statement.end,
          text: ` __check(${declaration.name.text}, ${expected.js}, ${stated});`,
        });
      }
    }
  });
  let out = code;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  return ts.transpileModule(out, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
}

/**
 * The value a comment states, as JavaScript: the whole comment, or its start when prose follows the value
 * (`false: an extension`, `12 (working hours)`). Undefined when it states none.
 */
export function statedValue(comment: string): { js: string; text: string } | undefined {
  const whole = valueSource(comment);
  if (whole !== undefined) return { js: whole, text: comment };
  for (const m of comment.matchAll(/(?::|,|;| —| \(| -) /g)) {
    const head = comment.slice(0, m.index).trim();
    const js = head === '' ? undefined : valueSource(head);
    if (js !== undefined) return { js, text: head };
  }
  return undefined;
}

/** The stated value as JavaScript (with `…` as a spread of `__more`), or undefined when it is prose. */
function valueSource(comment: string): string | undefined {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < comment.length; i++) {
    const c = comment[i]!;
    if (quote) {
      if (c === '\\') {
        out += c + (comment[++i] ?? '');
        continue;
      }
      if (c === quote) quote = null;
      out += c;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    if (c === '…') {
      // `a, …` / `… }` / `'' …`: a spread of the marker, with the commas JavaScript needs.
      const before = out.trimEnd();
      const sep = /[,[{(]$/.test(before) ? '' : ',';
      out = `${before}${sep} ...__more`;
      const rest = comment.slice(i + 1).trimStart();
      if (rest !== '' && !/^[,\]})]/.test(rest)) out += ',';
      continue;
    }
    out += c;
  }
  try {
    const parsed = ts.createSourceFile('v.ts', `(${out});`, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
    const diagnostics = (parsed as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
    if (diagnostics.length > 0) return undefined;
    const statement = parsed.statements[0];
    if (!statement || !ts.isExpressionStatement(statement)) return undefined;
    const expression = (statement.expression as ts.ParenthesizedExpression).expression;
    return isValue(expression) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** A literal value (what a stated result is), not prose that happens to parse (`12 working hours` does not). */
function isValue(node: ts.Node): boolean {
  if (
    ts.isStringLiteral(node) ||
    ts.isNumericLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    node.kind === ts.SyntaxKind.NullKeyword ||
    (ts.isIdentifier(node) && (node.text === 'undefined' || node.text === 'NaN' || node.text === 'Infinity'))
  ) {
    return true;
  }
  if (ts.isPrefixUnaryExpression(node)) return isValue(node.operand);
  if (ts.isArrayLiteralExpression(node)) return node.elements.every(isValue);
  if (ts.isSpreadElement(node) || ts.isSpreadAssignment(node)) return ts.isIdentifier(node.expression);
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.every(
      (p) => ts.isSpreadAssignment(p) || (ts.isPropertyAssignment(p) && isValue(p.initializer)),
    );
  }
  return false;
}

/** Whether `actual` is what the example states (`…` allowing more), and where it is not. */
export function differs(actual: unknown, expected: unknown, path = ''): string | undefined {
  if (typeof expected === 'string' && expected.includes('…')) {
    const pattern = new RegExp(`^${expected.split('…').map(escape).join('[\\s\\S]*')}$`);
    return typeof actual === 'string' && pattern.test(actual) ? undefined : at(path, actual, expected);
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return at(path, actual, expected);
    const open = expected.includes(MORE);
    const items = expected.filter((e) => e !== MORE);
    if (!open && actual.length !== items.length) return at(`${path}.length`, actual.length, items.length);
    if (open && actual.length < items.length) return at(`${path}.length`, actual.length, `≥ ${items.length}`);
    for (let i = 0; i < items.length; i++) {
      const d = differs(actual[i], items[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') return at(path, actual, expected);
    const e = expected as Record<string, unknown>;
    const open = Object.values(e).includes(MORE);
    const keys = Object.keys(e).filter((k) => e[k] !== MORE);
    const a = actual as Record<string, unknown>;
    if (!open) {
      const extra = Object.keys(a).filter((k) => a[k] !== undefined && !keys.includes(k));
      if (extra.length > 0) return `${path || 'value'} has more than stated: ${extra.join(', ')}`;
    }
    for (const k of keys) {
      const d = differs(a[k], e[k], `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(actual, expected) ? undefined : at(path, actual, expected);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const at = (path: string, actual: unknown, expected: unknown) =>
  `${path || 'value'}: got ${JSON.stringify(actual)}, stated ${JSON.stringify(expected)}`;

/**
 * Runs an example with `scope`'s names in reach: what failed (what it threw, or each stated value that differs),
 * nothing when it ran as stated. Node only: the example runs as the calling test's own code.
 *
 * @example
 * await runExample(`localize({ zh: '网格', en: 'Grid' }, 'en'); // 'Grid'`, { localize }); // []
 */
export async function runExample(code: string, scope: Record<string, unknown>): Promise<string[]> {
  const names = Object.keys(scope);
  const failures: string[] = [];
  const check = (actual: unknown, expected: unknown, stated: string) => {
    const d = differs(actual, expected);
    if (d) failures.push(`${stated} → ${d}`);
  };
  try {
    const fn = new Function(...names, '__check', '__more', `return (async () => {\n${compileExample(code)}\n})();`);
    await (fn as (...args: unknown[]) => Promise<void>)(...names.map((n) => scope[n]), check, [MORE]);
  } catch (error) {
    failures.push(String(error));
  }
  return failures;
}
