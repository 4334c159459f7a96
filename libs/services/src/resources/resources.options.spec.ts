import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MATRIX } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { ResourceOptionsError, resourceOptionsFromEnv } from './resources.options';

function refusal(env: NodeJS.ProcessEnv): ResourceOptionsError {
  try {
    resourceOptionsFromEnv(env);
  } catch (error) {
    if (error instanceof ResourceOptionsError) return error;
    throw error;
  }
  throw new Error('the options were accepted');
}

describe('resource options from FANOUT_RESOURCES', () => {
  it("default to the design's matrix on the machine's own host", () => {
    const options = resourceOptionsFromEnv({});
    expect(options.matrix).toEqual(DEFAULT_MATRIX);
    expect(options.host).toEqual({});
  });

  it('take inline YAML, a family or a resource left out keeping its default', () => {
    const options = resourceOptionsFromEnv({
      FANOUT_RESOURCES: '{matrix: {web: {cpu: 10}, codebase: {cpu: 50}}, host: {cores: 8}}',
    });
    expect(options.matrix.web).toEqual({ ...DEFAULT_MATRIX.web, cpu: 10 });
    expect(options.matrix.codebase.cpu).toBe(50);
    expect(options.matrix.bash).toEqual(DEFAULT_MATRIX.bash);
    expect(options.host).toEqual({ cores: 8 });
  });

  it('read a YAML file when given its path', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fanout-resources-')), 'resources.yaml');
    writeFileSync(file, 'matrix:\n  bash:\n    memory: 5\nmaxScale: 2\n');
    const options = resourceOptionsFromEnv({ FANOUT_RESOURCES: file });
    expect(options.matrix.bash.memory).toBe(5);
    expect(options.maxScale).toBe(2);
  });

  it('name the field that does not fit', () => {
    expect(refusal({ FANOUT_RESOURCES: 'matrix: {web: {cpu: 120}}' })).toMatchObject({
      code: 'INVALID_RESOURCES',
      field: 'matrix.web.cpu',
    });
    expect(refusal({ FANOUT_RESOURCES: 'matrix: {web: {disk: 1}}' }).field).toBe('matrix.web');
    expect(refusal({ FANOUT_RESOURCES: 'host: {cores: -1}' }).field).toBe('host.cores');
  });

  it('refuse a resource shared out beyond the whole host, naming it', () => {
    const error = refusal({ FANOUT_RESOURCES: 'matrix: {web: {cpu: 40}}' });
    expect(error.field).toBe('matrix.cpu');
  });

  it('refuse a file that cannot be read, or text that is not YAML', () => {
    expect(refusal({ FANOUT_RESOURCES: '/nowhere/resources.yaml' })).toMatchObject({
      code: 'INVALID_RESOURCES',
      field: '',
    });
    expect(refusal({ FANOUT_RESOURCES: 'matrix: {web: [' }).code).toBe('INVALID_RESOURCES');
  });
});
