import { errors } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { credentialsOf, natsConfigFromEnv } from './nats-config';
import { permissionDenied } from './permission-denied';

describe('natsConfigFromEnv', () => {
  it('reads a creds file and an inbox prefix, as `fanout auth init` env files set them', () => {
    const config = natsConfigFromEnv({
      NATS_URL: 'nats://a:4222,nats://b:4222',
      NATS_CREDS: '/etc/fanout/bash-worker.creds',
      NATS_INBOX_PREFIX: '_INBOX_bash_worker',
    });
    expect(config).toMatchObject({
      servers: ['nats://a:4222', 'nats://b:4222'],
      credsFile: '/etc/fanout/bash-worker.creds',
      inboxPrefix: '_INBOX_bash_worker',
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => natsConfigFromEnv({ NATS_INBOX_PREFIX: '_INBOX.>' })).toThrow(
      /NATS_INBOX_PREFIX: /,
    );
    expect(() => natsConfigFromEnv({ NATS_CREDS: '/x.creds', NATS_TOKEN: 't' })).toThrow(
      /set only one of NATS_USER, NATS_TOKEN, NATS_NKEY_SEED, NATS_CREDS/,
    );
  });
});

describe('a permission refusal', () => {
  it('names the act, the subject and the credentials, never a secret', () => {
    const config = natsConfigFromEnv({ NATS_TOKEN: 's3cret' });
    const violation = new errors.PermissionViolationError(
      'refused',
      'publish',
      'fanout.cmd.p2.workflow.submit',
    );
    const refused = permissionDenied(new Error('request failed', { cause: violation }), config);
    expect(refused?.code).toBe('PERMISSION_DENIED');
    expect(refused?.message).toBe(
      'permission denied: publish to "fanout.cmd.p2.workflow.submit" is not allowed for the token in NATS_TOKEN',
    );
    expect(refused?.message).not.toContain('s3cret');
    expect(permissionDenied(new Error('something else'), config)).toBeUndefined();
    expect(credentialsOf(natsConfigFromEnv({ NATS_CREDS: '/c/client.creds' }))).toBe(
      'credentials /c/client.creds (NATS_CREDS)',
    );
  });
});
