import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start the emulators; each test file runs in its own process (forks), so
    // the environment the embedded default sets never leaks between files.
    pool: 'forks',
    // Vitest runs one file at a time on a 2-core machine (cores - 1); most files wait on emulators,
    // sockets and a browser rather than compute, so two files at once keep both cores busy.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
