/**
 * Runs one benchmark: `npm run bench -- <name>` loads `test/bench/<name>.bench.ts` and
 * calls its `run()`. Benchmarks are their own thing, never part of `npm test`: they take
 * long, and their figures mean something only on a quiet machine.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a `<name>.bench.ts` module exports. */
export interface Bench {
  run(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length));
const name = process.argv[2];

if (!name || !available.includes(name)) {
  const given = name ? `no benchmark named "${name}"` : 'name a benchmark';
  console.error(`${given}: npm run bench -- <name>, one of: ${available.join(', ')}`);
  process.exit(2);
}

const bench = (await import(join(here, `${name}.bench.ts`))) as Bench;
await bench.run();
