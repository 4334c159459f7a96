import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDocs } from './render';

const workspaceRoot = join(import.meta.dirname, '..', '..', '..', '..');

describe('generated documents', () => {
  const { files } = renderDocs();

  it.each(Object.keys(files))(
    '%s matches what the schemas generate (run `npm run contracts:generate`)',
    (file) => {
      const committed = readFileSync(join(workspaceRoot, file), 'utf8');
      expect(committed).toBe(files[file]);
    },
  );

  it('is a valid AsyncAPI 3 document with a channel per command and event', async () => {
    const parser = new Parser();
    const { document, diagnostics } = await parser.parse(files['docs/asyncapi.yaml']!);
    const errors = diagnostics
      .filter((d) => d.severity === 0)
      .map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
    const addresses = document!
      .channels()
      .all()
      .map((channel) => channel.address());
    expect(addresses).toContain('{prefix}.cmd.p{priority}.workflow.submit');
    expect(addresses).toContain('{prefix}.evt.{workflowId}.results.WorkflowCompleted');
    expect(addresses).toContain('{prefix}.data.{workflowId}.{taskId}');
  });
});
