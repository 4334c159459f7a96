import { posix } from 'node:path';
import type { Node } from 'web-tree-sitter';
import type {
  Placement,
  Redirect,
  RedirectOp,
  Script,
  SimpleCommand,
  Substitution,
  Word,
} from './script-model';
import { wordOf } from './words';

/** What the walk knows at a node: where it is, and the directory `cd` left it in. */
interface Context {
  placement: Placement;
  cwd?: string;
}

const REDIRECT_OPS = new Set<string>(['<', '>', '>>', '>|', '&>', '&>>', '<>', '>&', '<&']);

/**
 * Walks a tree-sitter-bash tree into a {@link Script}: every simple command wherever it
 * sits, with pipelines, functions, substitutions and redirects recorded beside them. The
 * walk follows `cd` with a literal directory so that relative paths after it resolve
 * where bash would resolve them; after a computed `cd` the directory is unknown.
 */
export function extractScript(
  root: Node,
  cwd: string | undefined,
  home: string | undefined,
): Script {
  const script: Script = {
    source: root.text,
    commands: [],
    functions: [],
    pipelines: [],
    substitutions: [],
    subshells: 0,
    heredocs: 0,
  };
  const walker = new Walker(script, home);
  walker.visit(root, { placement: { substitution: false, background: false }, cwd });
  return script;
}

class Walker {
  constructor(
    private readonly script: Script,
    private readonly home: string | undefined,
  ) {}

  visit(node: Node, ctx: Context): void {
    switch (node.type) {
      case 'command':
        return this.command(node, ctx);
      case 'declaration_command':
      case 'unset_command':
        return this.declaration(node, ctx);
      case 'redirected_statement':
        return this.redirected(node, ctx);
      case 'pipeline':
        return this.pipeline(node, ctx);
      case 'function_definition':
        return this.functionDefinition(node, ctx);
      case 'command_substitution':
      case 'process_substitution':
        return this.substitution(node, ctx);
      case 'subshell':
        this.script.subshells += 1;
        return this.sequence(node, { ...ctx });
      case 'heredoc_redirect':
        this.script.heredocs += 1;
        return this.children(node, ctx);
      case 'comment':
        return;
      default:
        return this.sequence(node, ctx);
    }
  }

  /** Children in order, as statements: `cd` moves the directory, `&` backgrounds. */
  private sequence(node: Node, ctx: Context): void {
    let previousStart = this.script.commands.length;
    for (const child of node.children) {
      if (!child) continue;
      if (child.type === '&') {
        for (const command of this.script.commands.slice(previousStart)) {
          command.placement.background = true;
        }
        continue;
      }
      if (!child.isNamed) continue;
      previousStart = this.script.commands.length;
      this.visit(child, ctx);
    }
  }

  private substitution(node: Node, ctx: Context): void {
    const start = this.script.commands.length;
    const kind = node.type === 'command_substitution' ? 'command' : 'process';
    const entry: Substitution = { kind, text: node.text, commands: [] };
    this.script.substitutions.push(entry);
    this.sequence(node, { ...ctx, placement: { ...ctx.placement, substitution: true } });
    entry.commands = this.script.commands.slice(start);
  }

  private children(node: Node, ctx: Context): void {
    for (const child of node.namedChildren) if (child) this.visit(child, ctx);
  }

  private command(node: Node, ctx: Context): void {
    const nameNode = node.childForFieldName('name');
    const program = nameNode?.namedChildren[0] ? wordOf(nameNode.namedChildren[0]) : undefined;
    const args = node.childrenForFieldName('argument').map(wordOf);
    const assignments = node.namedChildren
      .filter((child): child is Node => child?.type === 'variable_assignment')
      .map((child) => {
        const value = child.childForFieldName('value');
        return {
          name: child.childForFieldName('name')?.text ?? '',
          value: value ? wordOf(value) : undefined,
        };
      });
    const redirects = node.namedChildren
      .filter((child): child is Node => child !== null && isRedirect(child))
      .flatMap((child) => this.redirectsOf(child));
    this.push({ program, args, assignments, redirects, source: node.text }, ctx);
    this.followCd(program, args, ctx);
    this.children(node, ctx);
  }

  /** `export`, `declare`, `local`, `readonly`, `typeset`, `unset`: builtins of their own node type. */
  private declaration(node: Node, ctx: Context): void {
    const [keyword, ...rest] = node.children.filter((child): child is Node => child !== null);
    this.push(
      {
        program: keyword ? { text: keyword.text, value: keyword.text, pattern: false } : undefined,
        args: rest.filter((child) => child.isNamed).map(wordOf),
        assignments: [],
        redirects: [],
        source: node.text,
      },
      ctx,
    );
    this.children(node, ctx);
  }

  private redirected(node: Node, ctx: Context): void {
    const start = this.script.commands.length;
    const body = node.childForFieldName('body');
    if (body) this.visit(body, ctx);
    const redirects = node
      .childrenForFieldName('redirect')
      .flatMap((child) => this.redirectsOf(child));
    const produced = this.script.commands.slice(start);
    if (produced.length === 0) {
      this.push({ args: [], assignments: [], redirects, source: node.text }, ctx);
    } else {
      // A redirect on a compound statement applies to every command inside it.
      for (const command of produced) command.redirects.push(...redirects);
    }
    for (const child of node.childrenForFieldName('redirect')) this.visit(child, ctx);
  }

  private pipeline(node: Node, ctx: Context): void {
    const index = this.script.pipelines.length;
    const stages: SimpleCommand[][] = [];
    this.script.pipelines.push(stages);
    let stage = 0;
    for (const child of node.namedChildren) {
      if (!child || child.type === 'comment') continue;
      const start = this.script.commands.length;
      // Each stage runs in a subshell of its own: a `cd` in one does not move the next.
      this.visit(child, { ...ctx, placement: { ...ctx.placement, pipeline: index, stage } });
      stages.push(this.script.commands.slice(start));
      stage += 1;
    }
  }

  private functionDefinition(node: Node, ctx: Context): void {
    const name = node.childForFieldName('name')?.text ?? '';
    const body = node.childForFieldName('body');
    const start = this.script.commands.length;
    if (body) this.visit(body, { ...ctx, placement: { ...ctx.placement, functionName: name } });
    const selfCalls = this.script.commands
      .slice(start)
      .filter((command) => command.program?.value === name)
      .map((command) => command.placement);
    this.script.functions.push({ name, selfCalls });
  }

  private redirectsOf(node: Node): Redirect[] {
    if (node.type === 'heredoc_redirect') {
      const body = node.namedChildren.find((child) => child?.type === 'heredoc_body');
      const start = node.namedChildren.find((child) => child?.type === 'heredoc_start');
      const quoted = start ? /['"\\]/.test(start.text) : false;
      const expands = body?.namedChildren.some((child) => child?.type !== 'heredoc_content');
      const text = body?.text ?? '';
      const own: Redirect = {
        op: node.children.some((child) => child?.type === '<<-') ? '<<-' : '<<',
        body: { text, value: quoted || !expands ? text : undefined, pattern: false },
      };
      // `cat <<EOF > out`: the redirects after the here-doc's start are its siblings.
      const more = node.namedChildren
        .filter((child): child is Node => child !== null && isRedirect(child))
        .flatMap((child) => this.redirectsOf(child));
      return [own, ...more];
    }
    if (node.type === 'herestring_redirect') {
      const word = node.namedChildren.find((child) => child !== null && child.isNamed);
      return [{ op: '<<<', body: word ? wordOf(word) : undefined }];
    }
    const op = node.children.find(
      (child) => child && !child.isNamed && REDIRECT_OPS.has(child.type),
    );
    const destination = node.childForFieldName('destination');
    return [
      {
        op: (op?.type ?? '>') as RedirectOp,
        target: destination ? wordOf(destination) : undefined,
      },
    ];
  }

  private push(command: Omit<SimpleCommand, 'placement' | 'cwd'>, ctx: Context): void {
    this.script.commands.push({ ...command, placement: { ...ctx.placement }, cwd: ctx.cwd });
  }

  /** After `cd DIR` the walk resolves relative paths against DIR; after a computed one, nowhere. */
  private followCd(program: Word | undefined, args: Word[], ctx: Context): void {
    if (program?.value !== 'cd' && program?.value !== 'pushd') return;
    const target = args.find(
      (arg) => arg.value === undefined || arg.value === '-' || !arg.value.startsWith('-'),
    );
    if (!target) {
      ctx.cwd = this.home;
    } else if (target.value === undefined || target.pattern || target.value === '-') {
      ctx.cwd = undefined;
    } else {
      const value = target.value.replace(/^~(?=\/|$)/, this.home ?? '~');
      ctx.cwd = value.startsWith('/')
        ? posix.normalize(value)
        : ctx.cwd && posix.resolve(ctx.cwd, value);
    }
  }
}

function isRedirect(node: Node): boolean {
  return (
    node.type === 'file_redirect' ||
    node.type === 'heredoc_redirect' ||
    node.type === 'herestring_redirect'
  );
}
