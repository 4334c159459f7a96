import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  Command,
  EVENT_TYPES,
  ErrorCode,
  FanoutError,
  TOOLS,
  TaskId,
  WorkflowDefinition,
  WorkflowEvent,
  isToolName,
  taskId,
  toFanoutError,
  topicOf,
} from './mod';

const issuesOf = (result: z.ZodSafeParseResult<unknown>) =>
  result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

describe('workflow definition', () => {
  it('fills in barrier, budget and task defaults', () => {
    const workflow = WorkflowDefinition.parse({
      phases: [{ id: 'discover', tasks: [{ id: 'ts', tool: 'code.glob', input: { root: '.' } }] }],
    });
    expect(workflow.budget).toEqual({
      maxTasks: 10_000,
      maxDurationMs: 3_600_000,
      maxConcurrency: 256,
      maxDepth: 3,
    });
    expect(workflow.phases[0]!.barrier).toEqual({ policy: 'fail' });
    expect(workflow.phases[0]!.tasks[0]!.dependsOn).toEqual([]);
  });

  it('names the place of a misspelt key and of a bad id', () => {
    const result = WorkflowDefinition.safeParse({
      phases: [{ id: 'scan', tasks: [{ id: 'a b', tool: 'noop', dependOn: ['x'] }] }],
    });
    const issues = issuesOf(result);
    expect(issues).toContainEqual(
      expect.stringMatching(/^phases\.0\.tasks\.0\.id: use only letters/),
    );
    expect(issues).toContainEqual(
      expect.stringMatching(/^phases\.0\.tasks\.0: Unrecognized key: "dependOn"/),
    );
  });

  it('refuses a depth over 3', () => {
    const result = WorkflowDefinition.safeParse({
      budget: { maxDepth: 4 },
      phases: [{ id: 'p', tasks: [{ id: 't', tool: 'noop' }] }],
    });
    expect(issuesOf(result)).toEqual([expect.stringMatching(/^budget\.maxDepth: Too big/)]);
  });
});

describe('ids', () => {
  it('builds task ids that the schema accepts, fan-out elements included', () => {
    expect(TaskId.parse(taskId('scan', 'grep'))).toBe('scan/grep');
    expect(TaskId.parse(taskId('scan', 'grep', 12))).toBe('scan/grep/12');
    expect(TaskId.safeParse('scan.grep').success).toBe(false);
    expect(TaskId.safeParse('scan/grep/x').success).toBe(false);
  });
});

describe('commands', () => {
  it('tells commands apart by type and applies the default priority', () => {
    const command = Command.parse({ type: 'workflow.cancel', commandId: 'c1', workflowId: 'wf1' });
    expect(command).toEqual({
      type: 'workflow.cancel',
      commandId: 'c1',
      workflowId: 'wf1',
      reason: 'cancelled by request',
    });
    const call = Command.parse({
      type: 'task.call',
      commandId: 'c2',
      workflowId: 'wf2',
      tool: 'noop',
    });
    expect(call.type === 'task.call' && call.priority).toBe(2);
  });

  it('refuses an unknown command type', () => {
    expect(
      Command.safeParse({ type: 'workflow.explode', commandId: 'c', workflowId: 'w' }).success,
    ).toBe(false);
  });
});

describe('events', () => {
  it('gives every event type exactly one topic', () => {
    const types = EVENT_TYPES.map((schema) => schema.shape.type.value);
    expect(new Set(types).size).toBe(types.length);
    expect(topicOf('TaskSucceeded')).toBe('results');
    expect(topicOf('TaskFailed')).toBe('errors');
    expect(topicOf('TaskDispatched')).toBe('progress');
    expect(topicOf('WorkflowMetrics')).toBe('metrics');
  });

  it('parses an event with a nested error cause', () => {
    const event = WorkflowEvent.parse({
      type: 'TaskFailed',
      workflowId: 'wf1',
      at: 1,
      taskId: 'p/t',
      attempts: 3,
      error: {
        code: 'TIMEOUT',
        message: 'slow',
        retryable: true,
        cause: { code: 'IO', message: 'x', retryable: false },
      },
    });
    expect(event.type === 'TaskFailed' && event.error.cause?.code).toBe('IO');
  });
});

describe('errors', () => {
  it('keeps the cause chain of a thrown error and its code', () => {
    const root = Object.assign(new Error('connection reset'), { code: 'ECONNRESET_X' });
    const thrown = Object.assign(new Error('fetch failed', { cause: root }), {
      code: 'UPSTREAM',
      retryable: true,
    });
    const error = toFanoutError(thrown);
    expect(error).toEqual({
      code: 'UPSTREAM',
      message: 'fetch failed',
      retryable: true,
      cause: { code: 'ECONNRESET_X', message: 'connection reset', retryable: false },
    });
    expect(FanoutError.parse(error)).toEqual(error);
  });

  it("keeps a thrown error's details object, and only an object", () => {
    const details = { exitCode: 1, stderr: 'FAIL src/a.spec.ts\n' };
    const thrown = Object.assign(new Error('`npm test` exited with code 1'), {
      code: 'EXIT_NONZERO',
      details,
    });
    const error = toFanoutError(thrown);
    expect(error).toEqual({
      code: 'EXIT_NONZERO',
      message: '`npm test` exited with code 1',
      retryable: false,
      details,
    });
    expect(FanoutError.parse(error)).toEqual(error);
    for (const odd of ['text', ['a'], null, new Map([['a', 1]])]) {
      expect(toFanoutError(Object.assign(new Error('x'), { details: odd }))).not.toHaveProperty(
        'details',
      );
    }
  });

  it('falls back to a code of its own for a thrown string', () => {
    expect(toFanoutError('boom', ErrorCode.ToolFailed)).toEqual({
      code: 'TOOL_FAILED',
      message: 'boom',
      retryable: false,
    });
  });
});

describe('tool catalog', () => {
  it('knows the tools of the design and nothing inherited', () => {
    expect(Object.keys(TOOLS).sort()).toEqual(
      [
        'agent.aggregate',
        'agent.run',
        'agent.validate',
        'bash.exec',
        'code.glob',
        'code.grep',
        'code.read',
        'code.xref',
        'noop',
        'web.fetch',
        'web.search',
      ].sort(),
    );
    expect(isToolName('toString')).toBe(false);
  });

  it('gives code.grep and bash.exec the defaults the workers rely on', () => {
    expect(TOOLS['code.grep'].input.parse({ root: '.', pattern: 'x' })).toMatchObject({
      literal: false,
      caseSensitive: true,
      gitignore: true,
      hidden: false,
      context: 0,
    });
    expect(TOOLS['bash.exec'].input.parse({ command: 'true' })).toMatchObject({
      network: false,
      locks: [],
      env: {},
      okExitCodes: [0],
    });
    expect(TOOLS['bash.exec'].input.safeParse({ command: 'x', okExitCodes: [] }).success).toBe(
      false,
    );
    expect(
      TOOLS['code.grep'].input.safeParse({ root: '.', pattern: 'x', caseSensitive: 'sometimes' })
        .success,
    ).toBe(false);
  });

  it('refuses web.fetch of a non-http URL', () => {
    expect(TOOLS['web.fetch'].input.safeParse({ url: 'file:///etc/passwd' }).success).toBe(false);
    expect(TOOLS['web.fetch'].input.safeParse({ url: 'https://example.org/' }).success).toBe(true);
  });
});
