import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { CommandValidator } from '../validate/validate';

let validator: CommandValidator;
beforeAll(async () => {
  validator = await CommandValidator.create();
});

const check = (command: string) =>
  validator.validate({ command, workspace: '/work/ws', home: '/home/dev', network: false });

/** What bash itself makes of a word: the one argument it passes to `printf %s`. */
const bashValue = (word: string) =>
  execFileSync('/bin/bash', ['-c', `printf %s ${word}`], { encoding: 'utf8' });

describe("$'…' quoting", () => {
  it.each([
    ["$'\\UFFFFFFFF'", '`\\UFFFFFFFF` at line 1, column 8', 'U+FFFFFFFF is past U+10FFFF'],
    ["$'\\U110000'", '`\\U110000` at line 1, column 8', 'U+110000 is past U+10FFFF'],
    ["$'a\\uD800'", '`\\uD800` at line 1, column 9', 'U+D800 is a surrogate'],
    ["$'\\777'", '`\\777` at line 1, column 8', 'past \\377'],
  ])('refuses %s, naming the escape and where it is', (word, where, why) => {
    const checked = check(`echo ${word}`);
    expect(checked.verdict).toBe('deny');
    expect(checked.reasons).toHaveLength(1);
    expect(checked.reasons[0]).toContain(where);
    expect(checked.reasons[0]).toContain(why);
    expect(checked.findings[0]?.rule).toBe('parse');
  });

  it('counts lines and columns from the line the escape is on, in a nested script too', () => {
    expect(check("true\n  echo é$'\\U110000'").reasons[0]).toContain('at line 2, column 11');
    const nested = check(`bash -c "echo \\$'\\\\U110000'"`).reasons[0];
    expect(nested).toContain('in a script of `bash -c');
    expect(nested).toContain('`\\U110000` at line 1, column 8');
  });

  it.each([
    "$'\\u'",
    "$'\\uzz'",
    "$'a\\x'",
    "$'\\xg'",
    "$'\\U'",
    "$'\\c'",
    "$'a\\c'",
    "$'\\cA'",
    "$'\\c?'",
    "$'\\c\\\\'",
    "$'\\18'",
    "$'\\x41\\x7e'",
    "$'\\u41z'",
    "$'\\U0001F600'",
    "$'\\q\\E\\e'",
    "$'rm\\0-x'y",
    "$'a\\x00b'",
    "$'a\\c@b'",
  ])('reads %s as bash does, without throwing', (word) => {
    const checked = check(`echo ${word}`);
    expect(checked.verdict).toBe('allow');
    expect(checked.calls[0]?.args).toEqual([bashValue(word)]);
  });

  it('sees the program bash runs when a NUL cuts a name short', () => {
    const checked = check("$'rm\\0x' -rf ~");
    expect(checked.calls[0]?.program).toBe('rm');
    expect(checked.verdict).toBe('deny');
  });
});
