import { randomBytes } from 'node:crypto';
import { isWorkerRole, permissionsFor, ROLES, subjects, type Role } from '@fanout/contracts';
import { writeAuth, type AuthUser, type WrittenAuth } from '@fanout/nats-server';
import { WORKER_KINDS } from '../workers/worker-kinds';

/**
 * The users `fanout auth init` writes for one installation (one subject prefix): every
 * role with its permissions from {@link permissionsFor} and the settings its process needs
 * beside its credentials — its inbox prefix, the subject prefix, and for services other
 * than the orchestrator `FANOUT_TOPOLOGY=await` (they may not create streams, so they wait
 * for the orchestrator's).
 */
export function authUsers(
  prefix: string,
  extra: Partial<Record<Role, Record<string, string>>> = {},
): AuthUser[] {
  const names = subjects(prefix);
  return ROLES.map((role) => {
    const tools = isWorkerRole(role) ? WORKER_KINDS[role].toolNames : [];
    const permissions = permissionsFor(role, names, tools);
    const env: Record<string, string> = { NATS_INBOX_PREFIX: permissions.inboxPrefix };
    if (prefix !== 'fanout') env['FANOUT_SUBJECT_PREFIX'] = prefix;
    if (role !== 'orchestrator' && role !== 'client') env['FANOUT_TOPOLOGY'] = 'await';
    return {
      name: role,
      publish: permissions.publish,
      subscribe: permissions.subscribe,
      responds: permissions.responds,
      env: { ...env, ...extra[role] },
    };
  });
}

/**
 * Writes a new secured installation into `dir` (what `fanout auth init` and `--secure` do):
 * the users of {@link authUsers}, and for the orchestrator a fresh key that makes every
 * dispatched attempt's claim (`FANOUT_REPORT_KEY`), so a report proves who holds the task.
 */
export function initAuth(dir: string, prefix: string): Promise<WrittenAuth> {
  const reportKey = randomBytes(32).toString('hex');
  return writeAuth(dir, authUsers(prefix, { orchestrator: { FANOUT_REPORT_KEY: reportKey } }));
}
