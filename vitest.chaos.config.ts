import { defineConfig } from 'vitest/config';

// The crash-safety run (`npm run test:chaos`): Cordon started as a process of its own on a
// PostgreSQL and a Mosquitto of the run's own, each killed and restarted while clients write. One file at a time: it owns the processes it kills.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 180_000,
  },
});
