/**
 * The build systems the test specialist knows, how it recognises each from the files at
 * the root, and the install → build → lint → test steps each offers. A step runs only what
 * the project declares (`npm run build` only when package.json has a build script); what
 * a system does not offer is said, not guessed.
 */
export type StepId = 'install' | 'build' | 'lint' | 'test';

export const STEP_ORDER: readonly StepId[] = ['install', 'build', 'lint', 'test'];

/** Which earlier steps a step needs to have succeeded: linting reads sources, tests need a build. */
export const NEEDS: Readonly<Record<StepId, readonly StepId[]>> = {
  install: [],
  build: ['install'],
  lint: ['install'],
  test: ['install', 'build'],
};

export interface Step {
  id: StepId;
  command: string;
  /** Installing fetches packages. */
  network: boolean;
  timeoutMs: number;
}

/** What the detect round learnt: the manifests at the root, and the text of those it read. */
export interface Project {
  manifests: Set<string>;
  texts: Map<string, string>;
}

export interface BuildSystem {
  name: string;
  /** The manifest it was recognised by. */
  manifest: string;
  steps: Step[];
  /** Steps it does not offer here, and why. */
  missing: { id: StepId; why: string }[];
}

/** Files looked for at the root; the ones read are those whose contents decide the steps. */
export const MANIFESTS = [
  'package.json',
  'package-lock.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'Cargo.toml',
  'go.mod',
  'pyproject.toml',
  'setup.py',
  'requirements.txt',
  'Makefile',
];
export const READ_MANIFESTS = ['package.json', 'Makefile', 'pyproject.toml'];

const MINUTE = 60_000;
const TIMEOUT: Readonly<Record<StepId, number>> = {
  install: 10 * MINUTE,
  build: 10 * MINUTE,
  lint: 5 * MINUTE,
  test: 15 * MINUTE,
};

/** The first system the root's manifests name, in this order; undefined when none. */
export function detect(project: Project): BuildSystem | undefined {
  const has = (file: string) => project.manifests.has(file);
  if (has('package.json')) return npmLike(project);
  if (has('Cargo.toml')) {
    return system('cargo', 'Cargo.toml', {
      install: 'cargo fetch',
      build: 'cargo build',
      lint: 'cargo clippy --all-targets',
      test: 'cargo test',
    });
  }
  if (has('go.mod')) {
    return system('go', 'go.mod', {
      install: 'go mod download',
      build: 'go build ./...',
      lint: 'go vet ./...',
      test: 'go test ./...',
    });
  }
  const python = ['pyproject.toml', 'setup.py', 'requirements.txt'].find(has);
  if (python) return pythonLike(project, python);
  if (has('Makefile')) return makeLike(project);
  return undefined;
}

function npmLike(project: Project): BuildSystem {
  const manager = project.manifests.has('pnpm-lock.yaml')
    ? 'pnpm'
    : project.manifests.has('yarn.lock')
      ? 'yarn'
      : 'npm';
  const install =
    manager === 'npm'
      ? project.manifests.has('package-lock.json')
        ? 'npm ci'
        : 'npm install'
      : `${manager} install --frozen-lockfile`;
  const scripts = scriptsOf(project.texts.get('package.json'));
  const commands: Partial<Record<StepId, string>> = { install };
  const missing: BuildSystem['missing'] = [];
  for (const id of ['build', 'lint', 'test'] as const) {
    const script = scripts[id];
    if (script === undefined) missing.push({ id, why: `package.json has no "${id}" script` });
    else if (id === 'test' && /no test specified/.test(script)) {
      missing.push({ id, why: 'the "test" script of package.json is npm\'s placeholder' });
    } else commands[id] = `${manager} run ${id}`;
  }
  return withMissing(system(manager, 'package.json', commands), missing);
}

function pythonLike(project: Project, manifest: string): BuildSystem {
  const pyproject = project.texts.get('pyproject.toml') ?? '';
  const install = project.manifests.has('requirements.txt')
    ? 'pip install -r requirements.txt'
    : 'pip install -e .';
  const commands: Partial<Record<StepId, string>> = { install, test: 'python -m pytest' };
  const missing: BuildSystem['missing'] = [
    { id: 'build', why: 'a Python project is not built before its tests' },
  ];
  if (/^\[tool\.ruff/m.test(pyproject)) commands.lint = 'ruff check .';
  else missing.push({ id: 'lint', why: 'pyproject.toml configures no linter ([tool.ruff])' });
  return withMissing(system('python', manifest, commands), missing);
}

function makeLike(project: Project): BuildSystem {
  const targets = makeTargets(project.texts.get('Makefile'));
  const commands: Partial<Record<StepId, string>> = {};
  const missing: BuildSystem['missing'] = [
    { id: 'install', why: 'a Makefile\'s "install" installs the product, not its dependencies' },
  ];
  for (const id of ['build', 'lint', 'test'] as const) {
    if (targets.has(id)) commands[id] = `make ${id}`;
    else if (id === 'build' && targets.size > 0) commands.build = 'make';
    else missing.push({ id, why: `the Makefile has no "${id}" target` });
  }
  return withMissing(system('make', 'Makefile', commands), missing);
}

function system(
  name: string,
  manifest: string,
  commands: Partial<Record<StepId, string>>,
): BuildSystem {
  const steps = STEP_ORDER.flatMap((id) => {
    const command = commands[id];
    return command ? [{ id, command, network: id === 'install', timeoutMs: TIMEOUT[id] }] : [];
  });
  return { name, manifest, steps, missing: [] };
}

function withMissing(found: BuildSystem, missing: BuildSystem['missing']): BuildSystem {
  return { ...found, missing };
}

/** The scripts of a package.json text; none when it is not JSON or has none. */
export function scriptsOf(text: string | undefined): Record<string, string> {
  try {
    const scripts = (JSON.parse(text ?? '') as { scripts?: unknown }).scripts;
    if (scripts === null || typeof scripts !== 'object') return {};
    return Object.fromEntries(
      Object.entries(scripts).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  } catch {
    return {};
  }
}

/** The explicit targets of a Makefile (`name:` at the start of a line, not `:=`). */
export function makeTargets(text: string | undefined): Set<string> {
  const targets = new Set<string>();
  for (const match of (text ?? '').matchAll(/^([A-Za-z0-9_.-]+)\s*:(?!=)/gm)) {
    if (match[1] && !match[1].startsWith('.')) targets.add(match[1]);
  }
  return targets;
}
