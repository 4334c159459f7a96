import { describe, expect, it } from 'vitest';
import { permissionsFor, ROLES, type Role } from './permissions';
import { subjects } from './subjects';

const names = subjects('acme');
const TOOLS: Partial<Record<Role, string[]>> = {
  'codebase-worker': ['code.glob', 'code.read'],
  'bash-worker': ['bash.exec'],
};

/** NATS subject matching: `*` one token, `>` the rest. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

const may = (role: Role, act: 'publish' | 'subscribe', subject: string) =>
  permissionsFor(role, names, TOOLS[role] ?? [])[act].some((pattern) => matches(pattern, subject));

const rolesThat = (act: 'publish' | 'subscribe', subject: string) =>
  ROLES.filter((role) => may(role, act, subject));

describe('permissionsFor', () => {
  it('lets only the orchestrator append to a workflow log', () => {
    expect(rolesThat('publish', names.event('wf-1', 'results', 'TaskSucceeded'))).toEqual([
      'orchestrator',
    ]);
  });

  it('lets only the orchestrator create, change, purge or delete a stream', () => {
    for (const act of ['CREATE', 'UPDATE', 'PURGE', 'DELETE']) {
      expect(rolesThat('publish', `$JS.API.STREAM.${act}.${names.streams.tasks}`)).toEqual([
        'orchestrator',
      ]);
      expect(rolesThat('publish', `$JS.API.STREAM.${act}.KV_${names.buckets.workflows}`)).toEqual([
        'orchestrator',
      ]);
    }
  });

  it('lets clients submit and cancel, never workers; reports come from workers and the orchestrator only', () => {
    expect(rolesThat('publish', names.command('workflow.submit', 0))).toEqual([
      'orchestrator',
      'client',
    ]);
    expect(rolesThat('publish', names.command('workflow.cancel', 4))).toEqual([
      'orchestrator',
      'gateway',
      'client',
    ]);
    expect(rolesThat('publish', names.command('task.report', 2))).toEqual([
      'orchestrator',
      'codebase-worker',
      'bash-worker',
      'web-worker',
      'agent-worker',
    ]);
  });

  it("lets a worker pull and create only its own tools' consumers, exactly", () => {
    const durable = names.taskDurable('bash.exec', 3);
    const own = `$JS.API.CONSUMER.MSG.NEXT.${names.streams.tasks}.${durable}`;
    expect(may('bash-worker', 'publish', own)).toBe(true);
    expect(may('codebase-worker', 'publish', own)).toBe(false);
    const create = `$JS.API.CONSUMER.CREATE.${names.streams.tasks}.${durable}.${names.task('bash.exec', 3)}`;
    expect(may('bash-worker', 'publish', create)).toBe(true);
    // The same name over another tool's queue would read that queue: refused.
    const widened = `$JS.API.CONSUMER.CREATE.${names.streams.tasks}.${durable}.${names.task('code.read', 3)}`;
    expect(may('bash-worker', 'publish', widened)).toBe(false);
  });

  it('lets a service speak only as itself in heartbeats and metrics', () => {
    expect(may('bash-worker', 'publish', names.heartbeat('bash-worker', 'i-1'))).toBe(true);
    expect(may('bash-worker', 'publish', names.heartbeat('codebase-worker', 'i-1'))).toBe(false);
    expect(may('bash-worker', 'publish', names.metrics('orchestrator', 'i-1'))).toBe(false);
  });

  it("gives every role its own inbox space, and no role another's", () => {
    for (const role of ROLES) {
      const { inboxPrefix } = permissionsFor(role, names);
      for (const other of ROLES) {
        expect(may(other, 'subscribe', `${inboxPrefix}.abc.1`)).toBe(other === role);
      }
    }
  });

  it("reaches only its own prefix's streams", () => {
    const other = subjects('other');
    for (const role of ROLES) {
      const { publish, subscribe } = permissionsFor(role, names, TOOLS[role] ?? []);
      for (const pattern of [...publish, ...subscribe]) {
        expect(matches(pattern, `$JS.API.STREAM.DELETE.${other.streams.events}`)).toBe(false);
        expect(matches(pattern, other.command('workflow.submit', 2))).toBe(false);
      }
    }
  });
});
