import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { AUTH_CONFIG_FILE, type AuthUser, type WrittenAuth } from './auth-user.ts';
import { envFile } from './env-file.ts';
import { kustomizeComponent } from './kustomize-component.ts';
import { join, resolve } from 'node:path';
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';

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

async function writeAtomically(
  path: string,
  data: string | Uint8Array,
  mode: number,
): Promise<void> {
  const partial = `${path}.${randomBytes(4).toString('hex')}.partial`;
  await writeFile(partial, data, { mode });
  await rename(partial, path);
}
