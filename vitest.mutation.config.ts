import { defineConfig } from 'vitest/config';

// Mutation runs (`npm run mutate`) measure the unit tests' assertions on lib/domain and
// lib/formats: the integration and browser tests would cover every mutant slowly and say little.
export default defineConfig({
  test: {
    include: ['test/domain/**/*.test.ts', 'test/formats/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
  },
});
