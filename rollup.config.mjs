// Rollup bundles what `tsc -b` emitted (no TypeScript plugin: tsc is the only compiler).
// Library builds are tsc's own per-module ESM output in each package's dist/ (dependencies external);
// rollup adds the self-contained browser bundles for packages meant for a page.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import terser from '@rollup/plugin-terser';

const browser = (pkg, name) => ({
  input: `packages/${pkg}/dist/index.js`,
  output: {
    file: `packages/${pkg}/dist/browser/${name}.min.js`,
    format: 'es',
    sourcemap: true,
  },
  plugins: [
    nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] }),
    commonjs({ transformMixedEsModules: true }),
    json(),
    terser({ format: { comments: false } }),
  ],
  onwarn(warning, warn) {
    if (warning.code === 'CIRCULAR_DEPENDENCY' && /node_modules/.test(warning.ids?.[0] ?? '')) return;
    // tsc's decorator helper reads `this` at module level; undefined there is what it expects.
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
});

export default [
  browser('core', 'gridflow-core'),
  browser('widgets', 'gridflow-widgets'),
  browser('designer', 'gridflow-designer'),
];
