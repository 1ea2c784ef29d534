import { defineConfig } from 'vitest/config';

// Unit, property and jsdom tests. Browser (Chromium) tests run through tests/e2e/run-e2e.mjs
// against the built app, so they are excluded here.
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
    ],
  },
});
