import { describe, expect, it } from 'vitest';
import { validateToolCall, validateWorkflow, type ValidationResult } from './validate-workflow';

const errorsOf = (result: ValidationResult) => (result.ok ? [] : result.errors);
const messages = (result: ValidationResult) =>
  errorsOf(result).map((error) => `${error.path}: ${error.message}`);

const VALID = `
name: explore
phases:
  - id: discover
    tasks:
      - id: ts-files
        tool: code.glob
        input: { root: ".", patterns: ["**/*.ts"] }
  - id: scan
    dependsOn: [discover]
    barrier: { policy: degrade, timeoutMs: 5000 }
    tasks:
      - id: read
        tool: code.read
        forEach: "\${{ discover.ts-files.files }}"
        input: { root: ".", path: "\${{ item }}" }
      - id: todo
        tool: code.grep
        dependsOn: [read]
        input: { root: ".", pattern: TODO, include: "\${{ discover.ts-files.files }}" }
`;

describe('validateWorkflow', () => {
  it('accepts a valid document and applies the defaults', () => {
    const result = validateWorkflow(VALID);
    expect(messages(result)).toEqual([]);
    expect(result.ok && result.workflow.phases[0]!.barrier).toEqual({ policy: 'fail' });
    expect(result.ok && result.workflow.budget.maxDepth).toBe(3);
  });

  it('accepts the same workflow written as JSON', () => {
    const json = JSON.stringify({
      phases: [{ id: 'p', tasks: [{ id: 't', tool: 'noop', input: { sleepMs: 5 } }] }],
    });
    expect(validateWorkflow(json).ok).toBe(true);
  });

  it('reports a YAML syntax error with its line and column', () => {
    const errors = errorsOf(validateWorkflow('phases:\n  - id: p\n    tasks: [a, b\n'));
    expect(errors[0]).toMatchObject({
      message: expect.stringMatching(/^syntax error/),
      line: expect.any(Number),
      column: expect.any(Number),
    });
  });

  it('reports a JSON syntax error with its line', () => {
    const errors = errorsOf(validateWorkflow('{\n  "phases": [\n    {"id": "p",,}\n  ]\n}'));
    expect(errors[0]?.line).toBe(3);
  });

  it('names the place of a tool input of the wrong type, as the document reads', () => {
    const text = `
phases:
  - id: a
    tasks: [{ id: t, tool: noop }]
  - id: b
    tasks:
      - { id: x, tool: noop }
      - { id: y, tool: noop }
      - { id: z, tool: code.grep, input: { root: ".", pattern: 42 } }
`;
    const errors = errorsOf(validateWorkflow(text));
    expect(errors).toEqual([
      { path: 'phases[1].tasks[2].input.pattern', message: 'expected string', line: 9, column: 64 },
    ]);
  });

  it('names a misspelt key', () => {
    expect(
      messages(
        validateWorkflow('phases: [{ id: p, tasks: [{ id: t, tool: noop, dependOn: [] }] }]'),
      ),
    ).toEqual(['phases[0].tasks[0]: unknown key "dependOn"']);
  });

  it('refuses an unknown tool and lists the known ones', () => {
    expect(
      messages(validateWorkflow('phases: [{ id: p, tasks: [{ id: t, tool: code.magic }] }]'))[0],
    ).toMatch(
      /^phases\[0\]\.tasks\[0\]\.tool: unknown tool "code\.magic"; known tools: agent\.aggregate, agent\.run, agent\.validate, bash\.exec/,
    );
  });

  it('checks a single tool call as it checks a task: the tool, then each input field', () => {
    expect(validateToolCall('code.grep', { root: '.', pattern: 'x' })).toEqual([]);
    const [unknown, ...more] = validateToolCall('code.magic', {});
    expect(more).toEqual([]);
    expect(unknown).toMatchObject({ path: 'tool' });
    expect(unknown!.message).toMatch(
      /^unknown tool "code\.magic"; known tools: agent\.aggregate, agent\.run, /,
    );
    expect(validateToolCall('code.grep', { root: '.', patern: 'x' })).toEqual([
      { path: 'input', message: 'unknown key "patern"' },
      {
        path: 'input',
        message:
          'code.grep takes exactly one of `pattern` (one search) and `patterns` (several in one walk)',
      },
    ]);
  });

  it('refuses duplicate phase and task ids', () => {
    const text =
      'phases: [{ id: p, tasks: [{ id: t, tool: noop }, { id: t, tool: noop }] }, { id: p, tasks: [{ id: u, tool: noop }] }]';
    expect(messages(validateWorkflow(text))).toEqual([
      'phases[1].id: duplicate phase id "p" (first at phases[0])',
      'phases[0].tasks[1].id: duplicate task id "t" in phase "p"',
    ]);
  });

  it('refuses a task that depends on itself', () => {
    expect(
      messages(
        validateWorkflow('phases: [{ id: p, tasks: [{ id: t, tool: noop, dependsOn: [t] }] }]'),
      ),
    ).toEqual(['phases[0].tasks[0].dependsOn[0]: task "t" depends on itself']);
  });

  it('prints a cycle between tasks', () => {
    const text = `
phases:
  - id: scan
    tasks:
      - { id: a, tool: noop, dependsOn: [c] }
      - { id: b, tool: noop, dependsOn: [a] }
      - { id: c, tool: noop, input: { echo: "\${{ scan.b.echo }}" } }
`;
    expect(messages(validateWorkflow(text))).toEqual([
      'phases[0].tasks: tasks depend on each other in a cycle: scan.a -> scan.c -> scan.b -> scan.a',
    ]);
  });

  it('prints a cycle between phases', () => {
    const text =
      'phases: [{ id: a, dependsOn: [b], tasks: [{ id: t, tool: noop }] }, { id: b, dependsOn: [a], tasks: [{ id: t, tool: noop }] }]';
    expect(messages(validateWorkflow(text))).toEqual([
      'phases: phases depend on each other in a cycle: a -> b -> a',
    ]);
  });

  it('refuses dangling references and dependencies', () => {
    const text = `
phases:
  - id: p
    dependsOn: [ghost]
    tasks:
      - { id: t, tool: noop, dependsOn: [nobody], input: { echo: "\${{ p.missing.value }}" } }
`;
    expect(messages(validateWorkflow(text))).toEqual([
      'phases[0].dependsOn[0]: unknown phase "ghost"',
      'phases[0].tasks[0].dependsOn: task "p.nobody" does not exist',
      'phases[0].tasks[0].dependsOn: task "p.missing" does not exist',
    ]);
  });

  it('refuses a reference to a phase that does not run before', () => {
    const text = `
phases:
  - { id: a, tasks: [{ id: t, tool: noop }] }
  - { id: b, tasks: [{ id: u, tool: noop, input: { echo: "\${{ a.t.echo }}" } }] }
`;
    expect(messages(validateWorkflow(text))).toEqual([
      'phases[1].tasks[0].dependsOn: task "a.t" is in phase "a", which phase "b" does not depend on',
    ]);
  });

  it('refuses ${{ item }} outside a forEach task, and a forEach that is not one reference', () => {
    const text = `
phases:
  - id: p
    tasks:
      - { id: list, tool: noop }
      - { id: a, tool: noop, input: { echo: "\${{ item }}" } }
      - { id: b, tool: noop, forEach: "files: \${{ p.list.echo }}" }
`;
    expect(messages(validateWorkflow(text))).toEqual([
      'phases[0].tasks[1].input.echo: ${{ item }} is only defined in a task with forEach',
      'phases[0].tasks[2].forEach: expected exactly one reference "${{ <phase>.<task>.<path> }}" to a list',
    ]);
  });

  it('refuses a budget out of range', () => {
    expect(
      messages(
        validateWorkflow(
          'budget: { maxDepth: 4, maxConcurrency: 0 }\nphases: [{ id: p, tasks: [{ id: t, tool: noop }] }]',
        ),
      ),
    ).toEqual([
      expect.stringMatching(/^budget\.maxConcurrency: Too small/),
      expect.stringMatching(/^budget\.maxDepth: Too big/),
    ]);
  });

  it('refuses a document with more tasks than its budget', () => {
    const text =
      'budget: { maxTasks: 1 }\nphases: [{ id: p, tasks: [{ id: a, tool: noop }, { id: b, tool: noop }] }]';
    expect(messages(validateWorkflow(text))).toEqual([
      'budget.maxTasks: the document has 2 tasks, over the budget of 1',
    ]);
  });
});

describe('validateWorkflow against hostile documents', () => {
  it('refuses an alias bomb quickly', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level < 9; level += 1) {
      const prev = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const result = validateWorkflow(lines.join('\n'));
    expect(result.ok).toBe(false);
    expect(messages(result)[0]).toMatch(/refused|alias/i);
  });

  it('refuses a document over the size limit', () => {
    const result = validateWorkflow(`name: "${'x'.repeat(1_100_000)}"`);
    expect(messages(result)).toEqual([': the document is 1100008 bytes; the limit is 1048576']);
  });

  it('refuses a deeply nested document without overflowing the stack', () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const result = validateWorkflow(
      `phases: [{ id: p, tasks: [{ id: t, tool: noop, input: { echo: ${deep} } }] }]`,
    );
    expect(messages(result)[0]).toMatch(/nested deeper than 64 levels/);
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses a %s key anywhere, and pollutes nothing',
    (key) => {
      const result = validateWorkflow(
        `phases: [{ id: p, tasks: [{ id: t, tool: noop, input: { echo: { ${key}: { polluted: true } } } }] }]`,
      );
      expect(messages(result)).toEqual([
        `phases[0].tasks[0].input.echo.${key}: the key "${key}" is not allowed`,
      ]);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    },
  );

  it('refuses duplicate keys', () => {
    expect(messages(validateWorkflow('name: a\nname: b\nphases: []'))[0]).toMatch(/duplicate key/);
  });
});
