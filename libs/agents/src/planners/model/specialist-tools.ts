import type { ToolName } from '@fanout/contracts';

/**
 * The tools the model of each domain specialist is offered. A specialist is planned by a
 * model only where it has templates to fall back on; the others here wait for theirs.
 */
export const SPECIALIST_TOOLS: Readonly<Record<string, readonly ToolName[]>> = {
  codebase: ['code.glob', 'code.grep', 'code.read', 'code.xref'],
  web: ['web.search', 'web.fetch'],
  ops: ['bash.exec'],
  test: ['bash.exec'],
};
