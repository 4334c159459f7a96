import { z } from 'zod';

const list = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((url) => url.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().min(1)).min(1, 'give at least one server URL'));

/**
 * How to reach NATS, read from the environment so that the same image runs on a laptop
 * and in a cluster. Only what is set is used; credentials of different kinds may not be
 * mixed, which is checked here rather than discovered as an auth error at connect time.
 */
export const NatsConfig = z
  .object({
    servers: list.default(['nats://127.0.0.1:4222']),
    name: z.string().min(1).optional(),
    user: z.string().optional(),
    pass: z.string().optional(),
    token: z.string().optional(),
    nkeySeed: z.string().startsWith('SU', 'an nkey user seed starts with "SU"').optional(),
    credsFile: z.string().optional(),
    /**
     * Where this connection's replies arrive (`_INBOX` by default). Credentials from
     * `fanout auth init` may subscribe only to their role's own, so a role cannot read
     * another's replies.
     */
    inboxPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'use dot-separated tokens without wildcards')
      .optional(),
    tls: z
      .object({
        caFile: z.string().optional(),
        certFile: z.string().optional(),
        keyFile: z.string().optional(),
      })
      .optional(),
    subjectPrefix: z.string().default('fanout'),
  })
  .superRefine((config, ctx) => {
    const kinds = [
      config.user !== undefined,
      config.token !== undefined,
      config.nkeySeed !== undefined,
      config.credsFile !== undefined,
    ];
    if (kinds.filter(Boolean).length > 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'set only one of NATS_USER, NATS_TOKEN, NATS_NKEY_SEED, NATS_CREDS',
      });
    }
    if ((config.user === undefined) !== (config.pass === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'NATS_USER and NATS_PASSWORD go together' });
    }
    if (config.tls && (config.tls.certFile === undefined) !== (config.tls.keyFile === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'NATS_TLS_CERT and NATS_TLS_KEY go together' });
    }
  });

export type NatsConfig = z.infer<typeof NatsConfig>;

/**
 * Who a connection says it is, for messages about what it was refused: the creds file,
 * user or kind of secret it connected with (never the secret itself).
 */
export function credentialsOf(config: NatsConfig): string {
  if (config.credsFile) return `credentials ${config.credsFile} (NATS_CREDS)`;
  if (config.user) return `user "${config.user}" (NATS_USER)`;
  if (config.nkeySeed) return 'the nkey seed in NATS_NKEY_SEED';
  if (config.token) return 'the token in NATS_TOKEN';
  return 'no credentials (anonymous)';
}

/** Environment variables and the config field each sets. */
const ENV: Record<string, string> = {
  NATS_URL: 'servers',
  NATS_NAME: 'name',
  NATS_USER: 'user',
  NATS_PASSWORD: 'pass',
  NATS_TOKEN: 'token',
  NATS_NKEY_SEED: 'nkeySeed',
  NATS_CREDS: 'credsFile',
  NATS_INBOX_PREFIX: 'inboxPrefix',
  FANOUT_SUBJECT_PREFIX: 'subjectPrefix',
};
const TLS_ENV: Record<string, string> = {
  NATS_TLS_CA: 'caFile',
  NATS_TLS_CERT: 'certFile',
  NATS_TLS_KEY: 'keyFile',
};

/**
 * Reads the NATS config from environment variables (`NATS_URL` may list several servers,
 * comma-separated). A bad value throws an error naming the variable, not the field.
 */
export function natsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): NatsConfig {
  const raw: Record<string, unknown> = {};
  for (const [variable, field] of Object.entries(ENV)) {
    if (env[variable]) raw[field] = env[variable];
  }
  const tls: Record<string, string> = {};
  for (const [variable, field] of Object.entries(TLS_ENV)) {
    if (env[variable]) tls[field] = env[variable]!;
  }
  if (Object.keys(tls).length > 0) raw['tls'] = tls;
  const parsed = NatsConfig.safeParse(raw);
  if (!parsed.success) {
    const byField = Object.fromEntries(
      [...Object.entries(ENV), ...Object.entries(TLS_ENV)].map(([v, f]) => [f, v]),
    );
    const problems = parsed.error.issues.map((issue) => {
      const field = String(issue.path.at(-1) ?? '');
      return byField[field] ? `${byField[field]}: ${issue.message}` : issue.message;
    });
    throw new Error(`invalid NATS configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
