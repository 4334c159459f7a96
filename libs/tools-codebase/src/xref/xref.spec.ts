import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, params, tempTree, type TempTree } from '../testing/fixtures';
import { xref } from './xref';

type Result = Awaited<ReturnType<typeof xref>>;

/** Edges as `from -kind-> to` strings: easy to read in a failure. */
const edges = (result: Result, kind: string) =>
  result.edges.filter((edge) => edge.kind === kind).map((edge) => `${edge.from} -> ${edge.to}`);

describe('code.xref on a TypeScript project', () => {
  let tree: TempTree;
  let result: Result;

  beforeAll(async () => {
    tree = await tempTree({
      'tsconfig.json': JSON.stringify({ extends: './tsconfig.base.json' }),
      'tsconfig.base.json': JSON.stringify({
        compilerOptions: { paths: { '@app/util': ['./src/util/index.ts'] } },
      }),
      'src/util/strings.ts': [
        'export function slug(s: string) { return s.toLowerCase(); }',
        "export const SEP = '-';",
        'function internal() {}',
      ].join('\n'),
      'src/util/clock.ts': 'export default class Clock {\n  now() { return 0; }\n}\n',
      'src/util/index.ts':
        "export * from './strings';\nexport { default as Clock } from './clock';\n",
      'src/model.ts': [
        "import { slug, SEP } from './util';",
        'export interface User { name: string }',
        'export function userKey(user: User) { return slug(user.name) + SEP; }',
      ].join('\n'),
      'src/app.ts': [
        "import { userKey, type User } from './model.js';",
        "import * as util from '@app/util';",
        "import { readFileSync } from 'node:fs';",
        'export function main(user: User) {',
        "  return userKey(user) + util.slug('x') + new util.Clock().now() + readFileSync;",
        '}',
      ].join('\n'),
      'src/main.ts':
        "import { main } from './app';\nconst later = () => import('./model');\nmain({ name: 'a' });\n",
      'src/legacy.js': "const { slug } = require('./util/strings');\nmodule.exports = slug('y');\n",
      'node_modules/dep/index.js': 'export const ignored = 1;\n',
      '.gitignore': 'node_modules/\n',
    });
    result = await xref(params('code.xref', { root: tree.root }), context());
  });
  afterAll(() => tree.cleanup());

  it('links imports to files, through extensions, index files, "./x.js" and tsconfig paths', () => {
    expect(edges(result, 'imports').sort()).toEqual(
      [
        'file:src/app.ts -> file:src/model.ts',
        'file:src/app.ts -> file:src/util/index.ts',
        'file:src/app.ts -> module:node:fs',
        'file:src/legacy.js -> file:src/util/strings.ts',
        'file:src/main.ts -> file:src/app.ts',
        'file:src/main.ts -> file:src/model.ts',
        'file:src/model.ts -> file:src/util/index.ts',
        'file:src/util/index.ts -> file:src/util/clock.ts',
        'file:src/util/index.ts -> file:src/util/strings.ts',
      ].sort(),
    );
  });

  it('records top-level definitions with their lines', () => {
    expect(edges(result, 'defines')).toEqual(
      expect.arrayContaining([
        'file:src/util/strings.ts -> symbol:src/util/strings.ts#slug',
        'file:src/util/strings.ts -> symbol:src/util/strings.ts#SEP',
        'file:src/util/strings.ts -> symbol:src/util/strings.ts#internal',
        'file:src/util/clock.ts -> symbol:src/util/clock.ts#Clock',
        'file:src/model.ts -> symbol:src/model.ts#User',
      ]),
    );
    expect(result.nodes).toContainEqual({
      id: 'symbol:src/util/strings.ts#SEP',
      kind: 'symbol',
      path: 'src/util/strings.ts',
      name: 'SEP',
      line: 2,
    });
  });

  it('lands references on the declaration, through barrels, namespaces, defaults and require', () => {
    expect(edges(result, 'references').sort()).toEqual(
      [
        'file:src/app.ts -> symbol:src/model.ts#User',
        'file:src/app.ts -> symbol:src/model.ts#userKey',
        'file:src/app.ts -> symbol:src/util/clock.ts#Clock',
        'file:src/app.ts -> symbol:src/util/strings.ts#slug',
        'file:src/legacy.js -> symbol:src/util/strings.ts#slug',
        'file:src/main.ts -> symbol:src/app.ts#main',
        'file:src/model.ts -> symbol:src/util/strings.ts#SEP',
        'file:src/model.ts -> symbol:src/util/strings.ts#slug',
      ].sort(),
    );
  });

  it('leaves out files that .gitignore hides', () => {
    expect(result.nodes.some((node) => node.path?.startsWith('node_modules'))).toBe(false);
  });

  it('ranks the files everything rests on first and the entry points last', () => {
    const order = result.ranking.map((entry) => entry.path);
    expect(order[0]).toBe('src/util/strings.ts');
    expect(order.slice(-2).sort()).toEqual(['src/legacy.js', 'src/main.ts']);
    expect(order.indexOf('src/model.ts')).toBeLessThan(order.indexOf('src/app.ts'));
    expect(result.ranking.reduce((sum, entry) => sum + entry.score, 0)).toBeCloseTo(1, 4);
  });
});

describe('code.xref resolving as the compiler does', () => {
  it('follows a baseUrl without paths, and package.json subpath imports', async () => {
    const tree = await tempTree({
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: 'src' } }),
      'package.json': JSON.stringify({
        name: 'shop',
        type: 'module',
        imports: { '#money': './src/lib/money.ts' },
      }),
      'src/lib/money.ts': 'export const cents = (n: number) => n * 100;\n',
      'src/lib/tax.ts': "import { cents } from '#money';\nexport const tax = cents(1);\n",
      'src/app.ts':
        "import { tax } from 'lib/tax';\nimport { z } from 'zod';\nexport default tax;\n",
    });
    try {
      const graph = await xref(params('code.xref', { root: tree.root }), context());
      expect(edges(graph, 'imports').sort()).toEqual([
        'file:src/app.ts -> file:src/lib/tax.ts',
        'file:src/app.ts -> module:zod',
        'file:src/lib/tax.ts -> file:src/lib/money.ts',
      ]);
    } finally {
      await tree.cleanup();
    }
  });
});

describe('code.xref on a Python project', () => {
  let tree: TempTree;
  let result: Result;

  beforeAll(async () => {
    tree = await tempTree({
      'pkg/__init__.py': 'from .core import Engine\n',
      'pkg/core.py': [
        '"""Docstring that says',
        'import fakemod',
        '"""',
        'import os',
        'from .helpers import clamp, CONSTANT as C',
        '',
        'class Engine:',
        '    def run(self):',
        '        return clamp(C)  # import notamodule',
        '',
        'def _private():',
        '    pass',
      ].join('\n'),
      'pkg/helpers.py': 'def clamp(x):\n    return x\n\nCONSTANT = 3\n',
      'pkg/sub/__init__.py': '',
      'pkg/sub/tool.py': [
        'from .. import helpers',
        'from ..core import (',
        '    Engine,',
        ')',
        'import pkg.helpers as h',
        '',
        'def use():',
        '    s = "from fake import nothing"',
        '    return helpers.clamp(1), Engine(), h.CONSTANT',
      ].join('\n'),
      'app.py':
        'import pkg\nfrom pkg.sub import tool\nimport numpy as np\n\ntool.use()\npkg.Engine()\nnp.zeros(1)\n',
    });
    result = await xref(params('code.xref', { root: tree.root, files: ['**/*.py'] }), context());
  });
  afterAll(() => tree.cleanup());

  it('links relative, absolute and submodule imports, and never reads strings or comments as code', () => {
    expect(edges(result, 'imports').sort()).toEqual(
      [
        'file:app.py -> file:pkg/__init__.py',
        // Importing a submodule runs its package's __init__.py first.
        'file:app.py -> file:pkg/sub/__init__.py',
        'file:app.py -> file:pkg/sub/tool.py',
        'file:app.py -> module:numpy',
        'file:pkg/__init__.py -> file:pkg/core.py',
        'file:pkg/core.py -> file:pkg/helpers.py',
        'file:pkg/core.py -> module:os',
        'file:pkg/sub/tool.py -> file:pkg/__init__.py',
        'file:pkg/sub/tool.py -> file:pkg/core.py',
        'file:pkg/sub/tool.py -> file:pkg/helpers.py',
      ].sort(),
    );
  });

  it('records module-level def, class and assignments only', () => {
    expect(edges(result, 'defines').sort()).toEqual(
      [
        'file:pkg/core.py -> symbol:pkg/core.py#Engine',
        'file:pkg/core.py -> symbol:pkg/core.py#_private',
        'file:pkg/helpers.py -> symbol:pkg/helpers.py#CONSTANT',
        'file:pkg/helpers.py -> symbol:pkg/helpers.py#clamp',
        'file:pkg/sub/tool.py -> symbol:pkg/sub/tool.py#use',
      ].sort(),
    );
    expect(result.nodes).toContainEqual(
      expect.objectContaining({ id: 'symbol:pkg/core.py#Engine', line: 7 }),
    );
  });

  it('follows aliases, module attributes and package re-exports to the definition', () => {
    expect(edges(result, 'references').sort()).toEqual(
      [
        'file:app.py -> symbol:pkg/core.py#Engine',
        'file:app.py -> symbol:pkg/sub/tool.py#use',
        'file:pkg/core.py -> symbol:pkg/helpers.py#CONSTANT',
        'file:pkg/core.py -> symbol:pkg/helpers.py#clamp',
        'file:pkg/sub/tool.py -> symbol:pkg/core.py#Engine',
        'file:pkg/sub/tool.py -> symbol:pkg/helpers.py#CONSTANT',
        'file:pkg/sub/tool.py -> symbol:pkg/helpers.py#clamp',
      ].sort(),
    );
  });

  it('ranks helpers, which everything uses, first and the entry script last', () => {
    const order = result.ranking.map((entry) => entry.path);
    expect(order).toEqual([
      'pkg/helpers.py',
      'pkg/core.py',
      expect.any(String),
      expect.any(String),
      expect.any(String),
      'app.py',
    ]);
  });
});

describe('code.xref on Python the grammar reads as Python does', () => {
  it('sees uses inside PEP 701 f-strings and none in strings after them', async () => {
    const tree = await tempTree({
      'lib.py': 'def clamp(x):\n    return x\n\nLIMIT = 3\n',
      'report.py': [
        'import lib',
        '',
        '@staticmethod',
        'def show(row):',
        '    return f"{lib.clamp(row["value"])} of {row["name"]}"',
        '',
        'NOTE = "lib.LIMIT is not used here"',
      ].join('\n'),
    });
    try {
      const result = await xref(
        params('code.xref', { root: tree.root, files: ['**/*.py'] }),
        context(),
      );
      expect(edges(result, 'references').sort()).toEqual(['file:report.py -> symbol:lib.py#clamp']);
      expect(edges(result, 'defines')).toContain('file:report.py -> symbol:report.py#show');
    } finally {
      await tree.cleanup();
    }
  });
});
