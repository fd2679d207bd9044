import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The console's browser tests need Chromium and a built console (`npm run test:browser`); the
    // crash-safety run kills processes of its own (`npm run test:chaos`).
    exclude: ['test/browser/**', 'test/chaos/**', 'node_modules/**'],
    // Each test file starts its own database; two workers match the CI machine's two cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
