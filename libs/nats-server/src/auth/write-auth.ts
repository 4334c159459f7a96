import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';

/** One user of the generated installation: a kind of service, or clients. */
export interface AuthUser {
  /** Its name: the creds and env files are `<name>.creds` and `<name>.env`. */
  name: string;
  /** Subjects it may publish to and subscribe to. */
  publish: string[];
  subscribe: string[];
  /** Whether it may answer requests it received (once, to their reply subject). */
  responds: boolean;
  /** Variables its `<name>.env` sets beside `NATS_CREDS` (e.g. `NATS_INBOX_PREFIX`). */
  env: Record<string, string>;
}

/** What {@link writeAuth} wrote, by path. */
export interface WrittenAuth {
  /**
   * The public key of the account every user is in: what the server's monitoring calls the
   * account (`/jsz?acc=`), e.g. for KEDA's JetStream scaler.
   */
  account: string;
  /** `nats-server -c` takes it as it is; the listen address and JetStream come from flags. */
  config: string;
  creds: Record<string, string>;
  env: Record<string, string>;
}

/** The file nats-server reads, in the directory given to {@link writeAuth}. */
export const AUTH_CONFIG_FILE = 'nats-server.conf';

/**
 * Writes a self-contained NATS security setup into `dir`: an operator, a system account
 * and one account holding every user, as signed JWTs preloaded into the server's config
 * (no resolver service to run); one `.creds` file per user (its JWT and nkey seed) and one
 * `.env` file naming it. Each file is written beside its final name and renamed into
 * place, so a failure never leaves half a file. Seeds of the operator and account are not
 * kept: run it again to change users, and hand the new files out.
 */
export async function writeAuth(dir: string, users: readonly AuthUser[]): Promise<WrittenAuth> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const operator = createOperator();
  const system = createAccount();
  const account = createAccount();
  const operatorJwt = await encodeOperator('fanout', operator, {
    system_account: system.getPublicKey(),
  });
  const systemJwt = await encodeAccount('SYS', system, {}, { signer: operator });
  const accountJwt = await encodeAccount(
    'FANOUT',
    account,
    { limits: ACCOUNT_LIMITS },
    { signer: operator },
  );

  const written: WrittenAuth = {
    account: account.getPublicKey(),
    config: join(root, AUTH_CONFIG_FILE),
    creds: {},
    env: {},
  };
  for (const user of users) {
    const creds = join(root, `${user.name}.creds`);
    await writeAtomically(creds, await credsOf(user, account), 0o600);
    written.creds[user.name] = creds;
    const env = join(root, `${user.name}.env`);
    await writeAtomically(env, envFile(user, creds), 0o600);
    written.env[user.name] = env;
  }
  const config = [
    `# A NATS security setup for Fanout, written by \`fanout auth init\`: start with`,
    `#   nats-server -c ${AUTH_CONFIG_FILE} -js -sd <store> -p 4222`,
    `# Users: ${users.map((user) => user.name).join(', ')}; each has <name>.creds and <name>.env.`,
    // A user's JWT travels in its CONNECT line; least privilege spelled out per stream and
    // consumer makes the orchestrator's ~10 KB, past the default limit of 4 KB.
    `max_control_line: ${MAX_CONTROL_LINE}`,
    `operator: ${operatorJwt}`,
    `system_account: ${system.getPublicKey()}`,
    `resolver: MEMORY`,
    `resolver_preload: {`,
    `  ${system.getPublicKey()}: ${systemJwt}`,
    `  ${account.getPublicKey()}: ${accountJwt}`,
    `}`,
    '',
  ].join('\n');
  await writeAtomically(written.config, config, 0o644);
  await writeAtomically(
    join(root, 'kustomization.yaml'),
    kustomizeComponent(users, written),
    0o644,
  );
  return written;
}

const MAX_CONTROL_LINE = 64 * 1024;

/** The account's limits: none but JetStream switched on (any negative is "unlimited"). */
const ACCOUNT_LIMITS = {
  subs: -1,
  data: -1,
  payload: -1,
  imports: -1,
  exports: -1,
  wildcards: true,
  conn: -1,
  leaf: -1,
  mem_storage: -1,
  disk_storage: -1,
  streams: -1,
  consumer: -1,
};

async function credsOf(user: AuthUser, account: KeyPair): Promise<Uint8Array> {
  const key = createUser();
  const jwt = await encodeUser(user.name, key, account, {
    pub: { allow: user.publish, deny: [] },
    sub: { allow: user.subscribe, deny: [] },
    ...(user.responds ? { resp: { max: 1, ttl: 0 } } : {}),
  });
  return fmtCreds(jwt, key);
}

/**
 * The same files as Kubernetes objects, for `components:` in a kustomize overlay: per user
 * a Secret `fanout-auth-<name>` holding its creds as the key `creds` (mounted as a file)
 * and its other variables as keys of their own; the server's config as
 * `fanout-nats-server-auth`; and the account's key put into every KEDA JetStream trigger,
 * which names the account it watches.
 */
function kustomizeComponent(users: readonly AuthUser[], written: WrittenAuth): string {
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

function envFile(user: AuthUser, creds: string): string {
  const lines = [`# NATS settings of ${user.name}: set -a; . ${user.name}.env; set +a`];
  for (const [name, value] of Object.entries({ NATS_CREDS: creds, ...user.env })) {
    lines.push(`${name}=${shellQuote(value)}`);
  }
  return lines.join('\n') + '\n';
}

/** Plain values as they are; anything else single-quoted, as a shell reads it. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@,+=-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

async function writeAtomically(
  path: string,
  data: string | Uint8Array,
  mode: number,
): Promise<void> {
  const partial = `${path}.${randomBytes(4).toString('hex')}.partial`;
  await writeFile(partial, data, { mode });
  await rename(partial, path);
}
