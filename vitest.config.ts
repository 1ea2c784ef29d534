import { defineConfig } from 'vitest/config';

// Two projects:
// - unit: unit, property and jsdom tests (Node);
// - e2e: the built app (`dist/`, so run `npm run build` first) in the system Chromium through playwright-core,
//   served on 127.0.0.1 by tests/e2e/globalSetup.ts. One file at a time: the machine has 2 cores.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
          exclude: ['tests/e2e/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/globalSetup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // A poll without its own timeout waits up to 15 s (vitest's default is 1 s): on a loaded 2-core machine a
          // lesson step's re-render took longer than that once, and the test failed though the page was right.
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
