import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // HTTP suites start real servers on fixed loopback ports; files run in separate workers.
    pool: 'forks',
    // `npm test` runs `vitest run --coverage` (docs/decisions.md, D23). Only code run inside
    // the test workers counts: what runs in child processes (the CLI's spawned runs, cluster
    // workers, the multi-process store tests) does not. Thresholds below (D23).
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts', 'src/**/*.d.ts', 'src/server/pages/static/console-*.ts'],
      reporter: ['text-summary', 'json-summary', 'text'],
      reportsDirectory: 'coverage',
      // One flaky test must not throw the measurement away (the run still fails).
      reportOnFailure: true,
      // Measured on a fresh clone (2026-12-07): statements 80.7%, branches 74.8%, functions 84.2%,
      // lines 83.1%; the gate sits a little below, so a change that drops coverage fails npm test.
      thresholds: { statements: 78, branches: 72, functions: 81, lines: 80 },
    },
  },
});
