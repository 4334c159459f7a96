import { describe, expect, it } from 'vitest';
import type { OptionSpecs } from './declare';
import { parseOptions } from './parse';
import { CONNECTION, SUBMISSION } from './shared';

const OPTIONS = {
  json: { type: 'boolean', description: 'one document' },
  out: { type: 'string', value: 'file', description: 'also to a file' },
  reason: { type: 'string', value: 'text', description: 'why', default: 'no reason' },
  ...SUBMISSION,
  ...CONNECTION,
} as const satisfies OptionSpecs;

const parse = (argv: string[]) => parseOptions('run', OPTIONS, argv);

describe('a command reading its own flags', () => {
  it('types each flag by its declaration and fills defaults', () => {
    const parsed = parse(['wf.yaml', '--json', '--out=o.json', '--priority', '0', '--nats', 'n']);
    expect(parsed).toEqual({
      command: 'run',
      positionals: ['wf.yaml'],
      values: { json: true, out: 'o.json', priority: 0, nats: 'n', reason: 'no reason' },
    });
  });

  it('an unknown flag is an error naming it and the command, with the closest known flag', () => {
    expect(() => parse(['wf.yaml', '--jsn'])).toThrow(
      '--jsn is not a flag of fanout run; did you mean --json? (fanout help run lists them)',
    );
    expect(() => parseOptions('validate', {}, ['x', '--strict'])).toThrow(
      '--strict is not a flag of fanout validate (fanout help validate lists them)',
    );
    expect(() => parse(['-x'])).toThrow(/^-x is not a flag of fanout run/);
  });

  it('the error is a usage error: exit 2, no stack', () => {
    expect(() => parse(['--strict'])).toThrow(expect.objectContaining({ name: 'UsageError' }));
  });

  it('a value missing, or taken by the next flag, names the flag', () => {
    expect(() => parse(['wf.yaml', '--out'])).toThrow(
      '--out of fanout run needs a value: --out <file>',
    );
    expect(() => parse(['--out', '--json'])).toThrow(/^--out of fanout run needs a value/);
    expect(parse(['--out=-dash']).values.out).toBe('-dash');
  });

  it('a value given to a switch names it', () => {
    expect(() => parse(['--json=yes'])).toThrow('--json of fanout run takes no value, got "yes"');
  });

  it('whole numbers are checked within their bounds, naming the flag', () => {
    for (const bad of ['5', '-1', '1.5', 'high', '']) {
      expect(() => parse([`--priority=${bad}`])).toThrow(
        `--priority expects a whole number from 0 to 4, got "${bad}"`,
      );
    }
  });

  it('takes what follows -- as arguments, even when it looks like a flag', () => {
    expect(parse(['--', '--json']).positionals).toEqual(['--json']);
  });
});
