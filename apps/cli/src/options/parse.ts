import type { ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from '../exit-codes';
import type { OptionSpec, OptionSpecs, Parsed } from './declare';
import { closest } from './suggest';

// Taken with `process.getBuiltinModule` rather than `import`: an ES import of `node:util`
// reads every one of its exports, lazy ones included (`diff`, `TextDecoder`, …), which
// costs a command that runs for milliseconds more than the parsing itself.
const { parseArgs } = process.getBuiltinModule('node:util');

/**
 * Reads `argv` (what follows the command's name) against the command's own flags: an
 * unknown flag, a missing or unfit value, or a value given to a switch is a usage error
 * naming the flag and the command. Integers are checked within their bounds; defaults
 * fill what was not given.
 */
export function parseOptions<O extends OptionSpecs>(
  command: string,
  options: O,
  argv: string[],
): Parsed<O> {
  // Not strict: the tokens come back whatever they are, and each mistake is named here
  // in our words rather than in parseArgs' (which cannot say which command it was).
  const { tokens, positionals } = parseArgs({
    args: argv,
    options: configOf(options),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const values: Record<string, unknown> = {};
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (!spec) throw unknownFlag(command, token.rawName, Object.keys(options));
    values[token.name] = valueOf(command, token, spec);
  }
  for (const [name, spec] of Object.entries(options)) {
    if (values[name] === undefined && spec.type !== 'boolean' && spec.default !== undefined) {
      values[name] = spec.default;
    }
  }
  return { command, values: values as Parsed<O>['values'], positionals };
}

/** The configuration parseArgs wants: integers are read as strings and checked here. */
function configOf(options: OptionSpecs): ParseArgsOptionsConfig {
  const config: ParseArgsOptionsConfig = {};
  for (const [name, spec] of Object.entries(options)) {
    config[name] = spec.type === 'boolean' ? { type: 'boolean' } : { type: 'string' };
    if (spec.type === 'boolean' && spec.short) config[name].short = spec.short;
  }
  return config;
}

interface OptionToken {
  rawName: string;
  value?: string | undefined;
  inlineValue?: boolean | undefined;
}

function valueOf(command: string, token: OptionToken, spec: OptionSpec): unknown {
  const flag = token.rawName;
  if (spec.type === 'boolean') {
    if (token.inlineValue) {
      throw new UsageError(`${flag} of fanout ${command} takes no value, got "${token.value}"`);
    }
    return true;
  }
  // `--out --json`: the next flag is not a value; `--out=-x` says so on purpose.
  if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) {
    throw new UsageError(`${flag} of fanout ${command} needs a value: ${flag} <${spec.value}>`);
  }
  if (spec.type === 'string') return token.value;
  const number = Number(token.value);
  if (!/^\d+$/.test(token.value) || number < spec.min || number > spec.max) {
    throw new UsageError(
      `${flag} expects a whole number from ${spec.min} to ${spec.max}, got "${token.value}"`,
    );
  }
  return number;
}

function unknownFlag(command: string, flag: string, known: string[]): UsageError {
  const name = flag.replace(/^-+/, '');
  const near = closest(name, known);
  const hint = near ? `; did you mean --${near}?` : '';
  return new UsageError(
    `${flag} is not a flag of fanout ${command}${hint} (fanout help ${command} lists them)`,
  );
}
