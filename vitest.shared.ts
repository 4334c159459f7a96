import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * One place for what every project's test config shares: tsconfig path aliases
 * (`@fanout/*`) and the spec naming. Each project keeps its own `vitest.config.ts` so
 * that Nx infers a `test` target for it, and the root config runs them all at once.
 */
export function fanoutProject(name: string, test: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { tsconfigPaths: true },
    test: {
      name,
      include: ['src/**/*.spec.ts'],
      // Integration specs start real servers and may crash and restart them.
      testTimeout: 30_000,
      hookTimeout: 30_000,
      ...test,
    },
  });
}
