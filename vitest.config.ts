import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // HTTP suites start real servers on fixed loopback ports; files run in separate workers.
    pool: 'forks',
  },
});
