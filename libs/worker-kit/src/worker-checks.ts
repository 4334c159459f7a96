import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isToolName } from '@fanout/contracts';
import type { ToolRegistry } from './worker-options';

/** Subject tokens: service and instance names land in metrics and heartbeat subjects. */
const TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * The registry, checked at construction: every tool must be in the catalogue, because
 * its contract is what the worker validates inputs and results against.
 */
export function checkTools(tools: ToolRegistry): ToolRegistry {
  const names = Object.keys(tools);
  if (names.length === 0) throw new Error('a worker needs at least one tool in options.tools');
  const unknown = names.filter((name) => !isToolName(name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown tools ${unknown.join(', ')}: a worker validates inputs against the catalogue (TOOLS in @fanout/contracts), so add the contract there first`,
    );
  }
  for (const name of names) {
    if (typeof tools[name] !== 'function') throw new Error(`tools["${name}"] is not a function`);
  }
  return tools;
}

/** A service or instance name, checked because it becomes a subject token. */
export function checkToken(what: string, value: string): string {
  if (!TOKEN.test(value)) {
    throw new Error(
      `worker ${what} "${value}" must be letters, digits, "_" and "-" (it is a subject token)`,
    );
  }
  return value;
}

/** `<hostname>-<pid>-<random>`, made subject-safe: unique among a service's replicas. */
export function defaultInstance(): string {
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, '-');
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
