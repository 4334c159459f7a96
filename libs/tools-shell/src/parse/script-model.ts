/**
 * What the validator sees of a command line: every simple command wherever it sits
 * (pipelines, lists, subshells, substitutions, functions, here-doc bodies), with its
 * words reduced to what bash would pass when that can be known before running it.
 */

/** One shell word: its source text, and its value when no expansion decides it. */
export interface Word {
  /** As written, quotes and all. */
  text: string;
  /** After quote removal, when fully literal; `undefined` when an expansion computes it. */
  value?: string;
  /** Unquoted glob or brace characters: bash may turn the word into several. */
  pattern: boolean;
}

export type RedirectOp =
  '<' | '>' | '>>' | '>|' | '&>' | '&>>' | '<>' | '>&' | '<&' | '<<' | '<<-' | '<<<';

/** A redirect, on a command or on a compound statement. */
export interface Redirect {
  op: RedirectOp;
  /** The file (or fd, for `>&2`) it names; here-docs carry their body instead. */
  target?: Word;
  /** A here-doc's body; `value` is undefined when the body expands something. */
  body?: Word;
}

/** Where a simple command sits, for the checks that depend on its neighbours. */
export interface Placement {
  /** The pipeline it is a stage of, and its index there. */
  pipeline?: number;
  stage?: number;
  /** Inside `$(...)`, backticks, `<(...)` or `>(...)`. */
  substitution: boolean;
  /** Inside a function body, by the function's name. */
  functionName?: string;
  /** Followed by `&`. */
  background: boolean;
}

/** One simple command: program, arguments, assignments before it, its redirects. */
export interface SimpleCommand {
  /** Absent for a command that is only assignments or redirects (`x=1`, `> f`). */
  program?: Word;
  args: Word[];
  assignments: { name: string; value?: Word }[];
  redirects: Redirect[];
  placement: Placement;
  /** The command as written, for reasons that quote it. */
  source: string;
  /** The directory relative paths resolve against, when `cd` left it knowable. */
  cwd?: string;
}

/** A function definition. */
export interface FunctionDef {
  name: string;
  /** Commands of its body that call the function itself, with how they are placed. */
  selfCalls: Placement[];
}

/** `$(...)` or backticks (command), `<(...)` or `>(...)` (process). */
export interface Substitution {
  kind: 'command' | 'process';
  /** As written, `<(` and all: the text of the word it is, when it is a whole word. */
  text: string;
  /** The simple commands inside it, those of substitutions nested in it included. */
  commands: SimpleCommand[];
}

/** A parsed command line. */
export interface Script {
  source: string;
  commands: SimpleCommand[];
  functions: FunctionDef[];
  /** Pipelines as lists of the commands of each stage. */
  pipelines: SimpleCommand[][][];
  substitutions: Substitution[];
  subshells: number;
  heredocs: number;
}
