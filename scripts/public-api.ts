import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

/*
 * The public API of a package as a reviewer reads it: for every entry of its `exports` map, each exported name
 * with what it is (function, class, const, interface, type…), read from the sources by the TypeScript checker, so
 * type-only exports count as much as values. The public-API tests compare it with `public-api.txt` beside the
 * package's `package.json`: an export added or removed by accident shows in review as a change to that file.
 */

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** What kind of thing a symbol is, in words a reviewer reads. */
function kindOf(symbol: ts.Symbol): string {
  const f = symbol.flags;
  const kinds: string[] = [];
  if (f & ts.SymbolFlags.Class) kinds.push('class');
  else if (f & ts.SymbolFlags.Function) kinds.push('function');
  else if (f & ts.SymbolFlags.Enum) kinds.push('enum');
  else if (f & ts.SymbolFlags.Variable) kinds.push('const');
  if (f & ts.SymbolFlags.Interface) kinds.push('interface');
  if (f & ts.SymbolFlags.TypeAlias) kinds.push('type');
  if (f & ts.SymbolFlags.Namespace && !(f & ts.SymbolFlags.Enum)) kinds.push('namespace');
  return kinds.join('+') || 'other';
}

/** The source entry (`src/x/index.ts`) of an export condition's declaration file (`./dist/x/index.d.ts`). */
function sourceOf(packageDir: string, types: string): string {
  return join(packageDir, types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'));
}

/**
 * Lists the public API of the package in `packageDir` (relative to the repository root): one block per subpath of
 * its exports map, one line per exported name (`name: kind`), sorted.
 *
 * @example
 * publicApiOf('packages/widgets');
 * // '.\n  GfProblemList: class\n  GfProblemSelectEvent: class\n'
 */
export function publicApiOf(packageDir: string): string {
  const dir = join(root, packageDir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { types?: string }>;
  };
  const entries = Object.entries(pkg.exports)
    .filter(([, target]) => typeof target === 'object' && target.types !== undefined)
    .map(([subpath, target]) => [subpath, sourceOf(dir, (target as { types: string }).types)] as const);
  const program = ts.createProgram(
    entries.map(([, file]) => file),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      experimentalDecorators: true,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: [],
      paths: {
        '@gridflow/core': [join(root, 'packages/core/src/index.ts')],
        '@gridflow/core/*': [join(root, 'packages/core/src/*/index.ts')],
      },
    },
  );
  const checker = program.getTypeChecker();
  let out = '';
  for (const [subpath, file] of entries) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${packageDir}: the entry of "${subpath}" (${file}) does not exist`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    const names = (moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [])
      .map((s) => {
        const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
        return `  ${s.getName()}: ${kindOf(target)}`;
      })
      .sort();
    out += `${subpath}\n${names.join('\n')}\n`;
  }
  return out;
}
