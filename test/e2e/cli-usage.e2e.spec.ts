import { runFanout } from '@fanout/testing';
import { describe, expect, it } from 'vitest';

/** Nowhere: a command that tried to connect would fail with exit 3, not 2. */
const NO_NATS = { NATS_URL: 'nats://127.0.0.1:1' };

describe('the fanout command reading its flags', () => {
  it('validate --strict: a flag validate does not take, exit 2 naming it', async () => {
    const run = await runFanout(
      ['validate', 'examples/explore-this-repo.yaml', '--strict'],
      NO_NATS,
    );
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'fanout: --strict is not a flag of fanout validate (fanout help validate lists them)\n',
    });
  });

  it('run --jsn: suggests --json before anything starts', async () => {
    const run = await runFanout(['run', 'examples/explore-this-repo.yaml', '--jsn'], NO_NATS);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--jsn is not a flag of fanout run; did you mean --json\?/);
  });

  it('help run and run --help print the same usage of run, exit 0', async () => {
    const help = await runFanout(['help', 'run'], NO_NATS);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: fanout run <file> \[options\]\n/);
    expect(help.stdout).toMatch(/\n {2}--strict +a degraded workflow counts as failed/);
    expect(help.stdout).toMatch(/\n {2}--verbose +/);
    expect(await runFanout(['run', '--help'], NO_NATS)).toEqual(help);
  });
});
