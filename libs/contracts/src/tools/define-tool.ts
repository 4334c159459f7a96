import type { z } from 'zod';
import { named } from '../registry';

/**
 * A tool's wire contract: what it takes, what it returns and, for tools that stream,
 * the shape of each partial item sent on the data pipeline before the result.
 */
export interface ToolContract<
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
  C extends z.ZodType = z.ZodType,
> {
  name: string;
  description: string;
  input: I;
  output: O;
  chunk?: C;
  /**
   * Set when calls that share a key share a limit somewhere else (web.fetch: a host's
   * politeness). The engine keeps at most `limit` tasks of one key dispatched at once in a
   * workflow, so a batch heavy on one key waits for that key alone while tasks with other
   * keys take the free slots, instead of the whole batch queueing behind it on a worker.
   */
  spread?: ToolSpread;
  /**
   * Set when a call's result may be reused by an equal call for a while (web.search: the
   * same question to the same provider). Workers share the results through NATS, so a
   * batch or a workflow asks the far side once however many replicas run it.
   */
  cache?: ToolCache;
  /**
   * Set when a call may be stopped part-way and run again later at no cost but the time
   * spent (a search, a read): a worker whose pool is full of lower-priority calls stops
   * one for a waiting p0 task; its attempt is `PREEMPTED`, not a failure, and runs again.
   */
  preemptible?: boolean;
}

/** How a tool's results are reused (see `ToolContract.cache`). */
export interface ToolCache {
  /** What makes two calls equal, from the checked input (defaults filled in). */
  key(input: unknown): unknown;
  /** How long a result may be reused. */
  maxAgeMs: number;
}

/** How a tool's calls are spread over the keys that share a limit (see `ToolContract.spread`). */
export interface ToolSpread {
  /** The key of a call, from its input (not yet checked against the schema); none: no limit. */
  key(input: unknown): string | undefined;
  /** Calls of one key dispatched at once, per workflow. */
  limit: number;
}

/** Pascal-cases a tool name for schema ids: `code.grep` becomes `CodeGrep`. */
function pascal(tool: string): string {
  return tool
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The name a tool's schema is published under: `CodeGrepInput`, `docs/schemas/CodeGrepInput.json`. */
export function toolSchemaId(tool: string, part: 'Input' | 'Output' | 'Chunk'): string {
  return `${pascal(tool)}${part}`;
}

/** Declares a tool contract and registers its schemas for the generated documents. */
export function defineTool<I extends z.ZodType, O extends z.ZodType, C extends z.ZodType>(
  contract: ToolContract<I, O, C>,
): ToolContract<I, O, C> {
  const id = (part: 'Input' | 'Output' | 'Chunk') => toolSchemaId(contract.name, part);
  named(id('Input'), `Input of ${contract.name}: ${contract.description}`, contract.input);
  named(id('Output'), `Result of ${contract.name}.`, contract.output);
  if (contract.chunk) named(id('Chunk'), `One streamed item of ${contract.name}.`, contract.chunk);
  return contract;
}
