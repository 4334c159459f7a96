import { defineConfig } from 'vitest/config';

/**
 * `npm test` runs every project's tests in one process: unit specs (pure, milliseconds),
 * integration specs (`*.int.spec.ts`, each file against its own nats-server) and the
 * end-to-end suite in `test/`.
 */
export default defineConfig({
  test: {
    projects: ['libs/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'test/*/vitest.config.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
