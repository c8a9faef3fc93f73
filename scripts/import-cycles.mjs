#!/usr/bin/env node
// Fails when the packages' sources import each other in a cycle, type-only imports included (`npm run lint` runs
// it). A cycle of types alone costs nothing at run time but still ties two files so that neither can be read,
// moved or split without the other.
//
// Hand-written on the TypeScript API the repository already has, because the libraries made for this do not fit:
// eslint-plugin-import-x's no-cycle skips `import type`, madge's peer range stops before TypeScript 6, and
// dependency-cruiser wants Node 22.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packages = ['core', 'server', 'widgets', 'designer'];

/** Every source file (not tests) under a folder. */
function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The source file an import specifier names, or undefined when it is outside the packages. */
function resolveImport(from, specifier) {
  const candidates = [];
  if (specifier.startsWith('.')) {
    const base = resolve(dirname(from), specifier);
    candidates.push(base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts'));
  } else {
    const m = /^@gridflow\/([a-z]+)(?:\/(.+))?$/.exec(specifier);
    if (!m) return undefined;
    const src = join(root, 'packages', m[1], 'src');
    candidates.push(m[2] ? join(src, m[2], 'index.ts') : join(src, 'index.ts'));
  }
  return candidates.find((c) => existsSync(c));
}

const files = packages.flatMap((p) => {
  const dir = join(root, 'packages', p, 'src');
  return existsSync(dir) ? sources(dir) : [];
});
const graph = new Map(
  files.map((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles.map((i) => resolveImport(file, i.fileName)).filter((t) => t && t !== file);
    return [file, [...new Set(targets)]];
  }),
);

// Tarjan's strongly connected components: every component of more than one file holds a cycle.
let index = 0;
const stack = [];
const state = new Map();
const components = [];
function connect(v) {
  const s = { index, low: index, onStack: true };
  index++;
  state.set(v, s);
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    const t = state.get(w);
    if (!t) {
      connect(w);
      s.low = Math.min(s.low, state.get(w).low);
    } else if (t.onStack) s.low = Math.min(s.low, t.index);
  }
  if (s.low === s.index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      state.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) components.push(component);
  }
}
for (const file of graph.keys()) if (!state.has(file)) connect(file);

/** One cycle through the component's first file, for the message. */
function cycleIn(component) {
  const members = new Set(component);
  const start = component.sort()[0];
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        for (let p = previous.get(v); p; p = previous.get(p)) path.unshift(p);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return component;
}

if (components.length === 0) {
  console.log(`import cycles: none among ${files.length} source files`);
} else {
  for (const component of components) {
    const path = cycleIn(component).map((f) => relative(root, f));
    console.error(`import cycle (${component.length} files): ${path.join(' → ')}`);
  }
  console.error(`${components.length} import cycle(s): move what both sides need into a file both import.`);
  process.exit(1);
}
