// One lint config for the whole repository: type-checked rules for package sources, syntax-level rules for
// tests, benchmarks and scripts (their files are outside the packages' build projects).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      '.gridflow/**',
      'bench/results/**',
      'examples/**/vendor/**',
      'packages/core/src/policy/generated/policyValidator.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    // Test helpers outside the build projects (`*.fixtures.ts`; the server's harness, see its tsconfig.json) are
    // linted like tests.
    ignores: [
      '**/*.test.ts',
      '**/*.d.ts',
      '**/*.fixtures.ts',
      'packages/server/src/http/harness.ts',
      'packages/server/src/http/fixtures.ts',
    ],
    extends: [...tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.test.ts', '**/*.fixtures.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts', 'packages/core/src/**/*.fixtures.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'lit', 'lit/*'] }],
      'no-restricted-globals': ['error', 'document', 'window', 'localStorage', 'navigator'],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', 'docs/**/*.ts', 'bench/**/*.ts'],
    ignores: ['examples/**'],
    languageOptions: { globals: globals.node },
  },
  {
    // The demo portal runs in a browser.
    files: ['examples/**/*.js', 'examples/**/*.mjs'],
    languageOptions: { globals: globals.browser },
  },
);
