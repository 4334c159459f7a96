import { Command, type CommandName, type Subjects } from '@fanout/contracts';

/** The OpenTelemetry instrumentation scope of the transport's spans. */
export const INSTRUMENTATION = '@fanout/messaging';

/** Command names, read from the `Command` schema so that a new command needs no edit here. */
export const COMMAND_NAMES: ReadonlySet<string> = new Set(
  Command.options.map((option) => option.shape.type.value),
);

/** Narrows an `@EventPattern` to a command of the bus, or says which ones exist. */
export function commandPattern(pattern: string): CommandName {
  if (COMMAND_NAMES.has(pattern)) return pattern as CommandName;
  throw new Error(
    `@EventPattern('${pattern}') is not a command of the bus; the commands are ${[...COMMAND_NAMES].join(', ')}`,
  );
}

/**
 * The request subject of an `@MessagePattern('<service>.<method>')`:
 * `<prefix>.rpc.<service>.<method>`. The method may hold dots of its own.
 */
export function rpcSubject(names: Subjects, pattern: string): string {
  const dot = pattern.indexOf('.');
  const service = pattern.slice(0, dot);
  const method = pattern.slice(dot + 1);
  const token = /^[A-Za-z0-9_-]+$/;
  if (dot < 1 || !token.test(service) || !method.split('.').every((part) => token.test(part))) {
    throw new Error(
      `request pattern '${pattern}' must be '<service>.<method>' of letters, digits, "_" and "-" (e.g. 'orchestrator.status')`,
    );
  }
  return names.rpc(service, method);
}

/** The durable consumer of one command at one priority, shared by every replica. */
export function durableName(prefix: string, command: CommandName, priority: number): string {
  return `${prefix}_${command.replace(/\./g, '_')}_p${priority}`;
}

/** Nest turns object patterns into strings; ours are plain strings, so keep them as is. */
export function patternText(pattern: unknown): string {
  if (typeof pattern === 'string') return pattern;
  throw new Error(
    `JetStream transport patterns are strings ('task.call', 'orchestrator.status'), got ${JSON.stringify(pattern)}`,
  );
}
