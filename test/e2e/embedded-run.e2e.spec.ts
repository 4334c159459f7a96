import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordingNatsServer, runFanout } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const EXAMPLE = 'examples/explore-this-repo.yaml';
/** No NATS_URL: `fanout run` must bring its own server and services. */
const EMBEDDED = { NATS_URL: undefined, FANOUT_SUBJECT_PREFIX: undefined };

describe('fanout run without a NATS URL (the embedded mode)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-e2e-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the example to completion on its own nats-server and services; --json matches --out', async () => {
    const out = join(dir, 'results.json');
    const run = await runFanout(['run', EXAMPLE, '--json', '--out', out], EMBEDDED);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const document = JSON.parse(lines[0]!);
    expect(document).toEqual(JSON.parse(await readFile(out, 'utf8')));
    expect(document.summary).toMatchObject({ status: 'succeeded', counts: { failed: 0 } });
    expect(document.results['find/libs'].files).toEqual(
      expect.arrayContaining([expect.stringMatching(/^libs\/\w[\w-]*\/src\/mod\.ts$/)]),
    );
    expect(document.results['find/readme-lines'].stdout).toMatch(/\d+ README\.md/);
    const reads = Object.keys(document.results).filter((id) => id.startsWith('read/each/'));
    expect(reads.length).toBe(document.results['find/libs'].files.length);
  });

  it('fanout call without a NATS URL runs one tool call on an embedded Fanout too', async () => {
    const input = JSON.stringify({
      root: '.',
      pattern: 'Publish from any NATS client',
      include: ['README.md'],
    });
    const nats = await recordingNatsServer(dir, 'call');
    const run = await runFanout(['call', 'code.grep', '--input', input, '--json'], {
      ...EMBEDDED,
      ...nats.env,
    });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({ tool: 'code.grep', status: 'succeeded', error: null });
    expect(document.result.matches.map((m: { path: string }) => m.path)).toContain('README.md');
    // The mark that the test below expects to be absent is there after an embedded start.
    expect(nats.started()).toBe(true);
  });

  it('fanout call of an unknown tool, or with input that does not fit, exits 2 before starting anything', async () => {
    const nats = await recordingNatsServer(dir, 'bad-call');
    const unknown = await runFanout(['call', 'code.nope'], { ...EMBEDDED, ...nats.env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /unknown tool "code\.nope"; known tools: .*code\.grep, code\.read/,
    );
    expect(unknown.stderr).not.toMatch(/embedded|\n\s+at /);

    const input = JSON.stringify({ root: '.', patern: 'x' });
    const misfit = await runFanout(['call', 'code.grep', '--input', input], {
      ...EMBEDDED,
      ...nats.env,
    });
    expect(misfit.code).toBe(2);
    expect(misfit.stderr).toMatch(
      /--input does not fit code\.grep:\n\s+input: unknown key "patern"\n\s+input: code\.grep takes exactly one of `pattern`/,
    );
    expect(misfit.stderr).not.toMatch(/embedded|\n\s+at /);
    expect(nats.started()).toBe(false);
  });

  it('exits 3 with install hints and no stack trace when there is no nats-server to embed', async () => {
    const run = await runFanout(['run', EXAMPLE], {
      ...EMBEDDED,
      NATS_SERVER_BIN: join(dir, 'no-such-nats-server'),
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/NATS_SERVER_BIN=.*no-such-nats-server is not an executable file/);
    expect(run.stderr).toMatch(/apt-get install nats-server/);
    expect(run.stderr).toMatch(/--nats nats:\/\/host:4222/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on an invalid workflow before starting anything', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'phases:\n  - id: a\n    tasks: []\n');
    // No nats-server to embed: reaching the start would exit 3, not 2.
    const run = await runFanout(['run', bad], {
      ...EMBEDDED,
      NATS_SERVER_BIN: join(dir, 'no-such-nats-server'),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.yaml:3:\d+: phases\[0\]\.tasks/);
    expect(run.stderr).not.toMatch(/embedded/);
  });
});
