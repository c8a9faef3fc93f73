import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { statusFor } from '../packages/server/src/http/errors.js';

/*
 * docs/errors.md is generated from the code: every error code the sources raise, with the HTTP status the server
 * answers it with (the status an `HttpError` or a reply names, else `statusFor(code)`), and a message. This test
 * reads the sources with the TypeScript parser, builds the table and fails when docs/errors.md differs from it.
 * To regenerate: GRIDFLOW_WRITE_DOCS=1 npx vitest run --project node docs/errors.test.ts
 *
 * Where codes come from:
 * - `new GridflowError(code, { zh, en })` and `new HttpError(status, code, zh, en)`;
 * - a code that is a parameter of the function around it (`treeError(code, …)`, `notFound(what)` with
 *   `${what}.not_found`): every call of that function with a literal there;
 * - tables of `[status, code, zh, en]` or `[code, zh, en]` (framework errors, request parts);
 * - replies written by hand: `body(code, zh, en)` in `sendError(reply, status, …)`, `{ code, message_zh, message_en }`
 *   sent after `reply.code(status)`.
 * A code left as a template (`http.${status}`) is listed with its placeholder.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const DOC = join(root, 'docs/errors.md');
const CODE = /^[a-z][a-z0-9_]*(\.[a-z0-9_<>]+)+$/;

interface Entry {
  code: string;
  status: number | string;
  zh: string;
  en: string;
  where: Set<string>;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'generated' && entry.name !== 'testing') out.push(...sourceFiles(path));
    } else if (
      /\.ts$/.test(entry.name) &&
      !/\.(test|d)\.ts$/.test(entry.name) &&
      !/harness|fixtures/.test(entry.name)
    ) {
      out.push(path);
    }
  }
  return out;
}

/** The text of a string or template (placeholders as `<name>`); `undefined` for anything else. */
function textOf(node: ts.Node | undefined, bindings: Map<string, string> = new Map()): string | undefined {
  if (!node) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return textOf(node.expression, bindings);
  if (ts.isIdentifier(node)) return bindings.get(node.text);
  if (ts.isTemplateExpression(node)) {
    let s = node.head.text;
    for (const span of node.templateSpans) {
      const e = span.expression;
      const bound = ts.isIdentifier(e) ? bindings.get(e.text) : undefined;
      s += (bound ?? `<${e.getText().replace(/^.*\b(\w+)\W*$/, '$1')}>`) + span.literal.text;
    }
    return s;
  }
  return undefined;
}

/** `{ zh, en }` of an object literal (the first branch of a conditional). */
function messagesOf(node: ts.Node | undefined, bindings: Map<string, string>): { zh: string; en: string } {
  if (node && ts.isConditionalExpression(node)) return messagesOf(node.whenTrue, bindings);
  const out = { zh: '', en: '' };
  if (node && ts.isObjectLiteralExpression(node)) {
    for (const p of node.properties) {
      if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && (p.name.text === 'zh' || p.name.text === 'en'))
        out[p.name.text] = textOf(p.initializer, bindings) ?? '…';
    }
  }
  return out;
}

function numberOf(node: ts.Node | undefined): number | undefined {
  return node && ts.isNumericLiteral(node) ? Number(node.text) : undefined;
}

/** The function a node is in, its name and its parameters' names. */
function enclosingFunction(node: ts.Node): { name: string; params: string[] } | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (
      ts.isFunctionDeclaration(n) ||
      ts.isArrowFunction(n) ||
      ts.isFunctionExpression(n) ||
      ts.isMethodDeclaration(n)
    ) {
      const params = n.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
      let name: string | undefined;
      if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name) name = n.name.getText();
      else if (n.parent && (ts.isVariableDeclaration(n.parent) || ts.isPropertyAssignment(n.parent)))
        name = n.parent.name.getText();
      return name ? { name, params } : undefined;
    }
  }
  return undefined;
}

function calleeName(call: ts.CallExpression): string | undefined {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

function collect(): { entries: Map<string, Entry>; unresolved: string[] } {
  const files = [...sourceFiles(join(root, 'packages/core/src')), ...sourceFiles(join(root, 'packages/server/src'))];
  const parsed = files.map((f) => ({
    file: relative(root, f),
    sf: ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true),
  }));
  const calls = new Map<string, ts.CallExpression[]>();
  const walkAll = (visit: (node: ts.Node, file: string) => void) => {
    for (const { file, sf } of parsed) {
      const walk = (node: ts.Node) => {
        visit(node, file);
        ts.forEachChild(node, walk);
      };
      walk(sf);
    }
  };
  walkAll((node) => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      if (name) calls.set(name, [...(calls.get(name) ?? []), node]);
    }
  });

  const entries = new Map<string, Entry>();
  const unresolved: string[] = [];
  const add = (code: string, status: number | undefined, zh: string, en: string, where: string) => {
    if (!CODE.test(code)) return;
    const resolved = status ?? (code.includes('<') ? '4xx' : statusFor(code));
    const e = entries.get(code);
    if (e) {
      e.where.add(where);
      // One code raised with several messages: the shortest is the most general.
      if (zh && zh !== '…' && (!e.zh || e.zh === '…' || zh.length < e.zh.length)) Object.assign(e, { zh, en });
      if (e.status !== resolved) e.status = [...new Set(`${e.status}, ${resolved}`.split(', '))].join(', ');
    } else entries.set(code, { code, status: resolved, zh, en, where: new Set([where]) });
  };

  /** Adds an error made at `node` whose code (and messages) may be parameters of the function around it. */
  const addMade = (
    node: ts.Node,
    file: string,
    args: { code: ts.Node | undefined; status?: ts.Node; zh?: ts.Node; en?: ts.Node; messages?: ts.Node },
  ) => {
    const fn = enclosingFunction(node);
    const attempt = (bindings: Map<string, string>) => {
      const code = textOf(args.code, bindings);
      if (code === undefined) return false;
      const m = args.messages
        ? messagesOf(args.messages, bindings)
        : { zh: textOf(args.zh, bindings) ?? '…', en: textOf(args.en, bindings) ?? '…' };
      add(code, numberOf(args.status), m.zh, m.en, file);
      return true;
    };
    if (attempt(new Map())) return;
    // The code is a parameter: every call of the function with literals in its place.
    const sites = fn ? (calls.get(fn.name) ?? []) : [];
    let any = false;
    for (const call of sites) {
      const bindings = new Map<string, string>();
      fn!.params.forEach((p, i) => {
        const v = textOf(call.arguments[i]);
        if (p && v !== undefined) bindings.set(p, v);
      });
      if (args.messages && fn!.params.includes(args.messages.getText())) {
        const i = fn!.params.indexOf(args.messages.getText());
        const m = messagesOf(call.arguments[i], new Map());
        const code = textOf(args.code, bindings);
        if (code !== undefined) {
          add(code, numberOf(args.status), m.zh, m.en, relative(root, call.getSourceFile().fileName));
          any = true;
        }
        continue;
      }
      if (attempt(bindings)) any = true;
    }
    if (!any)
      unresolved.push(`${file}:${node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
  };

  walkAll((node, file) => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
      const a = node.arguments ?? [];
      if (node.expression.text === 'GridflowError') addMade(node, file, { code: a[0], messages: a[1] });
      if (node.expression.text === 'HttpError') addMade(node, file, { status: a[0], code: a[1], zh: a[2], en: a[3] });
    }
    if (ts.isArrayLiteralExpression(node)) {
      const [a, b, c, d] = node.elements;
      const cjk = (n: ts.Node | undefined) => /[\u4e00-\u9fff]/.test(textOf(n) ?? '');
      if (numberOf(a) !== undefined && textOf(b) !== undefined && cjk(c))
        add(textOf(b)!, numberOf(a), textOf(c)!, textOf(d) ?? '', file);
      else if (textOf(a) !== undefined && cjk(b) && textOf(c) !== undefined && node.elements.length === 3)
        add(textOf(a)!, undefined, textOf(b)!, textOf(c)!, file);
    }
    if (ts.isCallExpression(node) && calleeName(node) === 'sendError') {
      const [, status, made] = node.arguments;
      if (made && ts.isCallExpression(made) && calleeName(made) === 'body') {
        const [code, zh, en] = made.arguments;
        const c = textOf(code);
        if (c !== undefined) add(c, numberOf(status), textOf(zh) ?? '…', textOf(en) ?? '…', file);
      }
    }
    const sent = node.parent !== undefined && ts.isCallExpression(node.parent) && calleeName(node.parent) === 'send';
    if (ts.isObjectLiteralExpression(node) && sent) {
      const prop = (name: string): ts.Node | undefined => {
        const p = node.properties.find((x) => x.name?.getText() === name);
        if (p && ts.isPropertyAssignment(p)) return p.initializer;
        if (p && ts.isShorthandPropertyAssignment(p)) return p.name;
        return undefined;
      };
      const code = prop('code');
      if (code && prop('message_zh') && prop('message_en')) {
        // `reply.code(404).send({ … })`
        const send = node.parent;
        let status: ts.Node | undefined;
        if (ts.isCallExpression(send) && ts.isPropertyAccessExpression(send.expression)) {
          const target = send.expression.expression;
          if (ts.isCallExpression(target) && calleeName(target) === 'code') status = target.arguments[0];
        }
        addMade(node, file, { code, status, zh: prop('message_zh'), en: prop('message_en') });
      }
    }
  });
  return { entries, unresolved };
}

/** Error sites whose code the reader cannot follow, and where their codes are listed instead. */
const KNOWN_UNRESOLVED: Record<string, string> = {
  'packages/server/src/http/validation.ts': 'the codes of the request parts, from the `CODES` table',
};

function render(entries: Map<string, Entry>): string {
  const rows = [...entries.values()].sort((a, b) => a.code.localeCompare(b.code));
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from the sources by docs/errors.test.ts; do not edit. To regenerate:',
    '     GRIDFLOW_WRITE_DOCS=1 npx vitest run --project node docs/errors.test.ts -->',
    '',
    'Every error answer has the body `{ code, message_zh, message_en, path?, details? }`. The status follows from',
    'the code: `*.not_found` 404; a stale version and a command the case’s state does not take now 409; a command',
    'the policy’s rules refuse (`command.refused`) 422; `permission.denied` 403; faults of the server 5xx (with a',
    'generic message); anything else a client sent 400. Messages with `<…>` are filled in with the values at hand.',
    '',
    '| code | HTTP | message (zh) | message (en) |',
    '| --- | --- | --- | --- |',
    ...rows.map((e) => `| \`${e.code}\` | ${e.status} | ${cell(e.zh)} | ${cell(e.en)} |`),
    '',
  ];
  return lines.join('\n');
}

describe('docs/errors.md', () => {
  const { entries, unresolved } = collect();

  it('lists every error code of the sources with its status (regenerate when it fails)', async () => {
    const { format } = await import('prettier');
    const text = await format(render(entries), { parser: 'markdown', proseWrap: 'preserve', printWidth: 120 });
    if (process.env.GRIDFLOW_WRITE_DOCS === '1') writeFileSync(DOC, text);
    let current = '';
    try {
      current = readFileSync(DOC, 'utf8');
    } catch {
      // missing: the comparison below fails with the generated text
    }
    expect(
      current,
      'docs/errors.md is out of date: GRIDFLOW_WRITE_DOCS=1 npx vitest run --project node docs/errors.test.ts',
    ).toBe(text);
  });

  it('follows every error site to its codes, except those named here', () => {
    const files = [...new Set(unresolved.map((u) => u.replace(/:\d+$/, '')))].sort();
    expect(files).toEqual(Object.keys(KNOWN_UNRESOLVED).sort());
  });

  it('finds the codes the runtime, the policy workflow, attachments and HTTP raise, at the status the server answers', () => {
    expect(entries.get('command.refused')?.status).toBe(422);
    expect(entries.get('command.not_allowed_in_state')?.status).toBe(409);
    expect(entries.get('case.conflict')?.status).toBe(409);
    expect(entries.get('permission.denied')?.status).toBe(403);
    expect(entries.get('case.not_found')?.status).toBe(404);
    expect(entries.get('policy.not_a_draft')?.status).toBe(409);
    expect(entries.get('attachments.unavailable')?.status).toBe(503);
    expect(entries.get('http.method_not_allowed')?.status).toBe(405);
    expect(entries.get('input.invalid')?.status).toBe(400);
    expect(entries.get('org.not_located')?.status).toBe(404);
    expect(entries.get('query.invalid')?.status).toBe(400);
  });

  it('agrees with every error table in the other docs: a code’s status there is the one the server answers', () => {
    const problems: string[] = [];
    for (const name of readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md') && f !== 'errors.md')) {
      const text = readFileSync(join(root, 'docs', name), 'utf8');
      for (const line of text.split('\n')) {
        const m = /^\|\s*`([a-z][a-z0-9_.]+)`\s*\|.*\|\s*(\d{3})\s*\|\s*$/.exec(line);
        if (!m) continue;
        const [, code, status] = m;
        if (statusFor(code!) !== Number(status) && entries.get(code!)?.status !== Number(status))
          problems.push(`${name}: ${code} says ${status}, the server answers ${statusFor(code!)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
