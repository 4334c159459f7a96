import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNatsServer, startNats, type NatsServer } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { connectionOptions, connectNats } from './connect';
import { natsConfigFromEnv } from './nats-config';

const openssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A CA, and a certificate it signed for `name` (a server's with the loopback address). */
function certificates(dir: string) {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=fanout-test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  for (const name of ['server', 'client']) {
    run(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    );
    writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    run(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  }
  return (file: string) => join(dir, file);
}

/** NATS_TLS_CA, NATS_TLS_CERT and NATS_TLS_KEY against a server that verifies clients. */
describe.skipIf(!openssl || !findNatsServer() || process.env['NATS_URL'])(
  'a connection over TLS',
  () => {
    let dir: string;
    let file: (name: string) => string;
    let nats: NatsServer;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'fanout-tls-'));
      file = certificates(dir);
      writeFileSync(
        file('tls.conf'),
        [
          'tls {',
          `  cert_file: ${JSON.stringify(file('server.pem'))}`,
          `  key_file: ${JSON.stringify(file('server.key'))}`,
          `  ca_file: ${JSON.stringify(file('ca.pem'))}`,
          '  verify: true',
          '}',
        ].join('\n'),
      );
      nats = await startNats({ include: file('tls.conf') });
    });
    afterAll(async () => {
      await nats?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('connects with the CA and a client certificate, and messages flow', async () => {
      const connection = await connectNats(
        natsConfigFromEnv({
          NATS_URL: nats.url.replace('nats://', 'tls://'),
          NATS_TLS_CA: file('ca.pem'),
          NATS_TLS_CERT: file('client.pem'),
          NATS_TLS_KEY: file('client.key'),
        }),
      );
      try {
        const subscription = connection.subscribe('tls.check', { max: 1 });
        connection.publish('tls.check', 'over tls');
        for await (const message of subscription) expect(message.string()).toBe('over tls');
        expect(connection.info?.tls_required).toBe(true);
      } finally {
        await connection.close();
      }
    });

    it('is refused without a client certificate (so the one above was used)', async () => {
      const config = natsConfigFromEnv({
        NATS_URL: nats.url.replace('nats://', 'tls://'),
        NATS_TLS_CA: file('ca.pem'),
      });
      const options = { ...connectionOptions(config), waitOnFirstConnect: false, reconnect: false };
      await expect(connect(options)).rejects.toThrow();
    });
  },
);
