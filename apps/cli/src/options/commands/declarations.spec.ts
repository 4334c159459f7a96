import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;
const declarations = readdirSync(here).filter((file) => /^[a-z-]+\.ts$/.test(file));

describe("the commands' declarations", () => {
  it('are one per command module', () => {
    const modules = readdirSync(join(here, '../../commands'));
    for (const file of declarations) expect(modules).toContain(file);
    expect(declarations.length).toBeGreaterThanOrEqual(14);
  });

  // What `fanout <command> --help` loads: a declaration importing more than the option
  // helpers would bring a command's dependencies back into its help.
  it.each(declarations)('%s imports nothing but the option helpers', (file) => {
    const source = readFileSync(join(here, file), 'utf8');
    const imported = [...source.matchAll(/^import[^;]*?from '([^']+)';/gms)].map((m) => m[1]);
    expect(imported.length).toBeGreaterThan(0);
    for (const path of imported) expect(['../declare', '../shared']).toContain(path);
  });
});
