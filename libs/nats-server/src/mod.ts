/**
 * nats-server processes of our own: found on this machine, started on a free loopback port
 * with a temp store, crashed, restarted and always cleaned up. Tests start theirs with
 * {@link startNats}; `fanout run` starts its embedded server with {@link startLocalNats}.
 * No NATS client here.
 */
export { findNatsServer } from './binary.ts';
export { startNatsCluster, type NatsCluster, type NatsClusterOptions } from './cluster.ts';
export { NatsServerNotFoundError, startLocalNats, startNats } from './server.ts';
export type { NatsServer, NatsServerOptions } from './types.ts';
export { readAuthEnv } from './auth/env-file.ts';
export { AUTH_CONFIG_FILE, type AuthUser, type WrittenAuth } from './auth/auth-user.ts';
export { writeAuth } from './auth/write-auth.ts';
