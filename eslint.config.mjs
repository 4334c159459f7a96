// Root lint rules. Module boundaries are the architecture's arrows: they keep the pure
// core pure, keep NATS inside libs/messaging, and keep apps at the top of the graph.
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

/** Every project except libs/messaging (and the end-to-end suite) is tagged `nats:none`. */
const NATS_CLIENT = ['@nats-io/*', 'nats'];

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
            // The pure core: the wire's schemas and the workflow engine stand alone.
            { sourceTag: 'layer:pure', onlyDependOnLibsWithTags: [] },
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
];
