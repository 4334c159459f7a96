// Root lint rules. Module boundaries are the architecture's arrows (docs/architecture.md):
// they keep the pure core pure, keep NATS inside libs/messaging, and keep apps on top.
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

/**
 * Packages of the NATS client; only projects tagged `nats:client` may import them. The
 * key and JWT packages (`@nats-io/nkeys`, `@nats-io/jwt`) are not a client: they make
 * credentials, with no connection to anything.
 */
const NATS_CLIENT = [
  '@nats-io/transport-node',
  '@nats-io/nats-core',
  '@nats-io/jetstream',
  '@nats-io/kv',
  '@nats-io/obj',
  '@nats-io/services',
  'nats',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  prettier,
  { ignores: ['**/dist', '**/node_modules', '**/.nx', 'docs/**'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // The wire's schemas stand alone; the pure engine core may use them and nothing else.
            { sourceTag: 'layer:wire', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'layer:core', onlyDependOnLibsWithTags: ['layer:wire'] },
            // Libraries never reach up into apps.
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            // Apps and tests may use any library, never another app.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
            // Only libs/messaging talks to NATS; tools and the core know nothing of it.
            { sourceTag: 'nats:none', bannedExternalImports: NATS_CLIENT },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // A test that asserts on a value it just built may say it is there.
    files: ['**/*.spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Test configs share the root's vitest.shared.ts, a build file rather than a library.
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
