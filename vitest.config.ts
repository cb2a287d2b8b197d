import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start the emulators; each test file runs in its own process (forks), so
    // the environment the embedded default sets never leaks between files.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
