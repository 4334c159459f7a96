import type { CommandDeclaration, OptionSpec } from './declare';
import { HELP_OPTION } from './shared';

/** Width of the flag column; longer flags put their description on the next line. */
const FLAG_COLUMN = 26;
const WIDTH = 92;

/** `fanout help <command>`: its usage, what it does, each flag with its value and default. */
export function commandHelp(command: CommandDeclaration): string {
  const options = { ...command.options, ...HELP_OPTION };
  const flags = Object.entries(options).map(([name, spec]) => flagLines(name, spec));
  const actions = Object.entries(command.actions ?? {}).map(([usage, text]) =>
    columns(`  ${usage}`, text),
  );
  return [
    `Usage: fanout ${command.usage} [options]`,
    '',
    wrap(command.description, WIDTH).join('\n'),
    ...(actions.length > 0 ? ['', 'Actions:', ...actions.flat()] : []),
    '',
    'Options:',
    ...flags.flat(),
    '',
  ].join('\n');
}

function flagLines(name: string, spec: OptionSpec): string[] {
  const short = spec.type === 'boolean' && spec.short ? `-${spec.short}, ` : '';
  const flag = `  ${short}--${name}${spec.type === 'boolean' ? '' : ` <${spec.value}>`}`;
  const shown = spec.type === 'boolean' ? undefined : spec.default;
  const text = shown === undefined ? spec.description : `${spec.description} (default ${shown})`;
  return columns(flag, text);
}

/** `left` in the first column, `text` wrapped in the second. */
function columns(left: string, text: string): string[] {
  const lines = wrap(text, WIDTH - FLAG_COLUMN);
  const indent = ' '.repeat(FLAG_COLUMN);
  const first =
    left.length < FLAG_COLUMN - 1
      ? [`${left.padEnd(FLAG_COLUMN)}${lines.shift() ?? ''}`]
      : [left, `${indent}${lines.shift() ?? ''}`];
  return [...first, ...lines.map((line) => `${indent}${line}`)];
}

/** Breaks text into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}
