import { describe, expect, it } from 'vitest';
import { classify } from './classify';

const call = (line: string) => {
  const [program, ...args] = line.split(' ');
  return { program, args };
};

describe('classify', () => {
  it.each([
    ['make -j4', 'build'],
    ['npm run build', 'build'],
    ['npm ci', 'package-management'],
    ['pip install requests', 'package-management'],
    ['git status', 'git'],
    ['curl -s https://example.com', 'network'],
    ['kill 1234', 'process-management'],
    ['cp a b', 'file-operations'],
    ['df -h', 'system-analysis'],
    ['true', 'system-analysis'],
  ])('%j is %s', (line, category) => {
    expect(classify([call(line)])).toBe(category);
  });

  it('sees through wrappers and takes the scarcer kind of a line', () => {
    expect(classify([call('timeout 60 make'), call('make')], new Set(['timeout']))).toBe('build');
    expect(classify([call('npm ci'), call('npm run build')])).toBe('package-management');
  });
});
