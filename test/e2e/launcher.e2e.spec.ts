import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runFanout, workspaceRoot } from '@fanout/testing';
import { describe, expect, it } from 'vitest';

const needed: string = JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8')).engines
  .node;
const neededMajor = Number(/\d+/.exec(needed)?.[0]);

/** The version of the Node at `path`, or undefined when there is none there. */
function versionOf(path: string): string | undefined {
  try {
    return execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/**
 * A Node older than the project needs on this machine (the machine's own, behind the
 * Node 24 that npm or .ci/run put first on PATH), if there is one.
 */
const oldNode = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/bin', '/usr/local/bin']
  .filter(Boolean)
  .map((dir) => join(dir, 'node'))
  .find((path) => {
    const version = versionOf(path);
    return version !== undefined && Number(version.split('.')[0]) < neededMajor;
  });

describe('the fanout launcher on a Node older than engines.node', () => {
  it('says which Node it needs and how to get it, exits 2, no stack', async (context) => {
    if (oldNode === undefined) {
      context.skip(`no Node older than ${needed} on PATH, /usr/bin or /usr/local/bin`);
      return;
    }
    const run = await runFanout(['--help'], {}, { node: oldNode });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`fanout: needs Node.js ${needed}; this is Node.js v`);
    expect(run.stderr).toContain(`(${realpathSync(oldNode)})`);
    expect(run.stderr).toMatch(/run `npm install` in .*node_modules\/\.bin/);
    expect(run.stderr).toMatch(/nvm install .*\.nvmrc/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
