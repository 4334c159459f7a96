import { beforeAll, describe, expect, it } from 'vitest';
import { CommandValidator } from '../validate/validate';
import { execPlan } from './exec-plan';

let validator: CommandValidator;
beforeAll(async () => {
  validator = await CommandValidator.create();
});
const plan = (command: string) =>
  execPlan(command, validator.validate({ command, workspace: '/ws', network: true }).script);

describe('execPlan', () => {
  it('runs one plain simple command without a shell', () => {
    expect(plan('true')).toEqual(['true']);
    expect(plan('git status --porcelain')).toEqual(['git', 'status', '--porcelain']);
  });

  it.each([
    'echo hi',
    'ls *.ts',
    'a=1 env',
    'ls > out',
    'ls | wc -l',
    "grep 'a b' f",
    'cd src',
    'ls ~',
    'make &',
    'x $(y)',
  ])('runs %j through bash', (command) => {
    expect(plan(command)).toEqual(['/bin/bash', '-c', command]);
  });
});
