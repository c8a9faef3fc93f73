import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));

/** Tests import the packages' sources directly, so `npm test` needs no build first. */
const alias = [
  { find: /^@gridflow\/core$/, replacement: src('core/src/index.ts') },
  { find: /^@gridflow\/core\/(.*)$/, replacement: src('core/src/$1/index.ts') },
  { find: /^@gridflow\/widgets$/, replacement: src('widgets/src/index.ts') },
  { find: /^@gridflow\/designer$/, replacement: src('designer/src/index.ts') },
];

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'packages/core/src/**/*.test.ts',
            'packages/server/src/**/*.test.ts',
            'packages/*/src/publicApi.test.ts',
            'packages/*/src/tsdocExamples.test.ts',
            'docs/**/*.test.ts',
          ],
          exclude: ['**/*.browser.test.ts', '**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'browser',
          include: [
            'packages/core/src/**/*.browser.test.ts',
            'packages/widgets/src/**/*.test.ts',
            'packages/designer/src/**/*.test.ts',
          ],
          // The public-API and TSDoc-example tests read the sources with the TypeScript compiler: they run in Node.
          exclude: ['packages/*/src/publicApi.test.ts', 'packages/*/src/tsdocExamples.test.ts', '**/node_modules/**'],
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
                args: chromiumArgs,
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
