import type { ExitCode } from '../exit-codes';

/** One flag a command takes, as its help shows it and its parser checks it. */
export type OptionSpec =
  | { type: 'boolean'; description: string; short?: string }
  | { type: 'string'; description: string; value: string; default?: string }
  | {
      type: 'integer';
      description: string;
      value: string;
      min: number;
      max: number;
      default?: number;
    };

/** A command's flags by their long name (without the dashes). */
export type OptionSpecs = Record<string, OptionSpec>;

/** The value a flag parses to: booleans, strings, whole numbers; defined when defaulted. */
type ValueOf<S extends OptionSpec> = S extends { type: 'boolean' }
  ? boolean | undefined
  : S extends { type: 'integer' }
    ? S extends { default: number }
      ? number
      : number | undefined
    : S extends { default: string }
      ? string
      : string | undefined;

/** What a command receives: its own flags, typed, and the words after its name. */
export interface Parsed<O extends OptionSpecs> {
  /** The command's name as typed (`run`, `dlq`…), for messages. */
  command: string;
  values: { [K in keyof O]: ValueOf<O[K]> };
  positionals: string[];
}

/**
 * What a command takes and says: its usage line, help text and flags, in
 * `options/commands/<name>.ts`. Help and the flag parser read this alone, so `fanout
 * <command> --help` loads none of what the command does.
 */
export interface CommandDeclaration<O extends OptionSpecs = OptionSpecs> {
  /** After `fanout `: the command's name and its arguments, e.g. `run <file>`. */
  usage: string;
  /** What `fanout help <command>` says above the flags. */
  description: string;
  /** A command with sub-commands: each one's usage (`retry <seq>…`) and what it does. */
  actions?: Record<string, string>;
  options: O;
}

/** Declares a command; its `run` (in `commands/<name>.ts`) gets flags typed from `options`. */
export function declareCommand<const O extends OptionSpecs>(
  declaration: CommandDeclaration<O>,
): CommandDeclaration<O> {
  return declaration;
}

/** What a command's module exports: what it does with the flags its declaration parsed. */
export interface CommandImplementation {
  run(parsed: Parsed<OptionSpecs>): Promise<ExitCode>;
}
