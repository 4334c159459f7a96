#!/usr/bin/env node
// `npm run build`: every app (apps/<name>/src/main.ts) bundled by esbuild with the workspace
// libraries it imports into dist/apps/<name>/main.js (and chunks/ beside it), which plain
// `node` runs. Packages from node_modules stay imports (`packages: 'external'`): the bundle
// is our code alone and the image ships node_modules as npm installed them, native addons
// and wasm files included.
//
//   node scripts/build.mjs [--outdir <dir>] [app ...]    (default: dist, every app)
//
// esbuild, like tsx, emits no decorator metadata (`emitDecoratorMetadata`); the code does
// not need it, because every NestJS injection names its token (`@Inject(...)`), and the
// tests boot compiled services to prove it. It does not typecheck either: `npm run lint`
// does that. `keepNames` keeps classes' `name`, which Nest uses for its module tokens and
// logs and which esbuild would otherwise suffix where two files share a class name.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { bundleDashboard } from '../libs/services/src/gateway/bundle-dashboard.mjs';

const root = resolve(import.meta.dirname, '..');

const { values, positionals } = parseArgs({
  options: { outdir: { type: 'string', default: join(root, 'dist') } },
  allowPositionals: true,
});
const outdir = resolve(values.outdir);

const apps = readdirSync(join(root, 'apps')).filter((name) =>
  existsSync(join(root, 'apps', name, 'src', 'main.ts')),
);
const wanted = positionals.length > 0 ? positionals : apps;
const unknown = wanted.filter((name) => !apps.includes(name));
if (unknown.length > 0) {
  console.error(`build: no app named ${unknown.join(', ')}; apps are ${apps.join(', ')}`);
  process.exit(2);
}

const started = performance.now();
// A full build starts from nothing, so no bundle of a removed app lingers in the image.
if (positionals.length === 0) rmSync(join(outdir, 'apps'), { recursive: true, force: true });
let copied = 0;
for (const name of wanted) {
  const appDir = join(outdir, 'apps', name);
  rmSync(appDir, { recursive: true, force: true });
  // One build per app, each in a directory of its own. `splitting` keeps a dynamic
  // import() a separate chunk loaded when it runs, as under tsx: the CLI imports the
  // client, the engine and the embedded services only for the commands that use them, so
  // `fanout --help` does not load NestJS, the NATS client and TypeScript first.
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: `apps/${name}/src/main.ts` },
    outdir: appDir,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    tsconfig: join(root, 'tsconfig.json'),
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  for (const [output, { inputs }] of Object.entries(result.metafile.outputs)) {
    if (output.endsWith('.map')) continue;
    copied += copyAssets(Object.keys(inputs), dirname(join(root, output)));
  }
}
// The dashboard's browser app, which the gateway serves from dist/dashboard/ (found above
// its bundle) rather than bundling it at start.
const dashboard = await bundleDashboard();
mkdirSync(join(outdir, 'dashboard'), { recursive: true });
writeFileSync(join(outdir, 'dashboard', 'app.js'), dashboard.script);
writeFileSync(join(outdir, 'dashboard', 'app.css'), dashboard.style);
const ms = Math.round(performance.now() - started);
console.error(
  `build: ${wanted.join(', ')} -> ${relative(root, outdir) || '.'}/apps/<name>/main.js` +
    ` and the dashboard (${Math.round(dashboard.script.length / 1024)} KiB)` +
    ` (${copied} asset files) in ${ms} ms`,
);

/**
 * A module that finds a file beside itself (`new URL('./launcher.pl', import.meta.url)`)
 * looks beside the output file (main.js or a chunk) it was bundled into, since
 * `import.meta.url` is then that file's: each such file is copied there. Two different
 * files wanting the same place stop the build.
 */
function copyAssets(inputs, outputDir) {
  const placed = new Map();
  for (const input of inputs) {
    if (input.includes('node_modules') || !input.endsWith('.ts')) continue;
    const source = readFileSync(join(root, input), 'utf8');
    for (const [, file] of source.matchAll(
      /new URL\(\s*['"](\.\/[^'"]+\.[A-Za-z0-9]+)['"]\s*,\s*import\.meta\.url\s*\)/g,
    )) {
      const from = join(root, dirname(input), file);
      const to = join(outputDir, file);
      if (placed.has(to) && placed.get(to) !== from) {
        throw new Error(`build: ${placed.get(to)} and ${from} both belong at ${to}`);
      }
      if (!existsSync(from)) throw new Error(`build: ${input} refers to ${from}, which is missing`);
      placed.set(to, from);
    }
  }
  for (const [to, from] of placed) {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
  return placed.size;
}
