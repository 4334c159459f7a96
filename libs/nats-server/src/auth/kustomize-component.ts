import { AUTH_CONFIG_FILE, type AuthUser, type WrittenAuth } from './auth-user.ts';

/**
 * The same files as Kubernetes objects, for `components:` in a kustomize overlay: per user
 * a Secret `fanout-auth-<name>` holding its creds as the key `creds` (mounted as a file)
 * and its other variables as keys of their own; the server's config as
 * `fanout-nats-server-auth`; and the account's key put into every KEDA JetStream trigger,
 * which names the account it watches.
 */
export function kustomizeComponent(users: readonly AuthUser[], written: WrittenAuth): string {
  const lines = [
    '# Written by `fanout auth init` with the files beside it: list this directory under',
    '# `components:` of a kustomize overlay (see deploy/k8s).',
    'apiVersion: kustomize.config.k8s.io/v1alpha1',
    'kind: Component',
    'secretGenerator:',
    '  - name: fanout-nats-server-auth',
    '    namespace: fanout',
    `    files: [${AUTH_CONFIG_FILE}]`,
  ];
  for (const user of users) {
    lines.push(
      `  - name: fanout-auth-${user.name}`,
      '    namespace: fanout',
      `    files: [creds=${user.name}.creds]`,
      '    literals:',
      ...Object.entries(user.env).map(
        ([name, value]) => `      - ${JSON.stringify(`${name}=${value}`)}`,
      ),
    );
  }
  lines.push(
    'configMapGenerator:',
    '  - name: fanout-nats-account',
    '    namespace: fanout',
    `    literals: [ACCOUNT=${written.account}]`,
    'replacements:',
    '  - source: { kind: ConfigMap, name: fanout-nats-account, fieldPath: data.ACCOUNT }',
    '    targets:',
    '      - select: { kind: ScaledObject }',
    '        fieldPaths: [spec.triggers.*.metadata.account]',
    '',
  );
  return lines.join('\n');
}
