import { defineConfig } from 'vitest/config';

// The console's browser tests (`npm run test:browser`): Chromium against a real server, one file at
// a time (each starts a server and a browser), after building the console when it is out of date.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/support/build-console.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
