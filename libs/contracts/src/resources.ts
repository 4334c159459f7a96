import { z } from 'zod';
import { named } from './registry';

/** What a host has and the allocation matrix shares out, in the matrix's column order. */
export const RESOURCE_KINDS = ['cpu', 'memory', 'io', 'network', 'storage'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** The families of tools the matrix shares a host between; every tool belongs to one. */
export const TOOL_FAMILIES = ['web', 'codebase', 'bash', 'coordination'] as const;
export type ToolFamily = (typeof TOOL_FAMILIES)[number];

/** A family's share of each resource, in percent of the host. */
export type ResourceShares = Record<ResourceKind, number>;

/**
 * The default allocation matrix. Each column adds up to 100%: web is mostly network,
 * the codebase tools mostly disk and memory (ripgrep, files read), bash a third of the
 * CPU, and coordination (the orchestrator and the agents) a tenth of everything.
 */
export const DEFAULT_MATRIX: Readonly<Record<ToolFamily, Readonly<ResourceShares>>> = {
  web: { cpu: 20, memory: 25, io: 10, network: 60, storage: 15 },
  codebase: { cpu: 40, memory: 50, io: 70, network: 5, storage: 60 },
  bash: { cpu: 30, memory: 15, io: 15, network: 20, storage: 20 },
  coordination: { cpu: 10, memory: 10, io: 5, network: 15, storage: 5 },
};

function sharesOf(family: ToolFamily) {
  const percent = (kind: ResourceKind) =>
    z.number().min(0).max(100).default(DEFAULT_MATRIX[family][kind]);
  return z
    .strictObject({
      cpu: percent('cpu'),
      memory: percent('memory'),
      io: percent('io'),
      network: percent('network'),
      storage: percent('storage'),
    })
    .prefault({});
}

/**
 * Each tool family's share of the host, per resource, in percent; a family or resource
 * left out keeps its default. A resource shared out beyond 100% is refused: the host
 * would be promised twice.
 */
export const ResourceMatrix = named(
  'ResourceMatrix',
  "Each tool family's share of a host's cpu, memory, io, network and storage, in percent.",
  z
    .strictObject({
      web: sharesOf('web'),
      codebase: sharesOf('codebase'),
      bash: sharesOf('bash'),
      coordination: sharesOf('coordination'),
    })
    .superRefine((matrix, context) => {
      for (const kind of RESOURCE_KINDS) {
        const total = TOOL_FAMILIES.reduce((sum, family) => sum + matrix[family][kind], 0);
        if (total > 100) {
          context.addIssue({
            code: 'custom',
            path: [kind],
            message: `the families' shares of ${kind} add up to ${total}%, more than the host's 100%`,
          });
        }
      }
    }),
);
export type ResourceMatrix = z.infer<typeof ResourceMatrix>;

/**
 * What one call of a task needs at most while it runs. A task asking more than its tool
 * family's share of a host can give is refused at submit (`UNSCHEDULABLE`).
 */
export const TaskResources = named(
  'TaskResources',
  'What one call of the task needs at most: cores and memory.',
  z.strictObject({
    cpu: z.number().positive().max(4_096).optional().describe('Cores, e.g. 0.5 or 2.'),
    memoryMiB: z.number().int().positive().optional().describe('Memory in MiB.'),
  }),
);
export type TaskResources = z.infer<typeof TaskResources>;

/** What one family may be given on a host: cores and MiB of memory. */
export interface FamilyCapacity {
  cpu: number;
  memoryMiB: number;
}

/**
 * The family of a tool, by its namespace: `code.*` codebase, `bash.*` bash, `web.*` web;
 * everything else (agents, `noop`, tools of other services) is coordination.
 */
export function familyOf(tool: string): ToolFamily {
  const namespace = tool.split('.')[0];
  if (namespace === 'code') return 'codebase';
  if (namespace === 'bash' || namespace === 'web') return namespace;
  return 'coordination';
}
