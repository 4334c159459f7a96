import { describe, expect, it } from 'vitest';
import { WORKER_KINDS } from '../workers/worker-kinds';
import { capacities, derivePools, REFERENCE_HOST } from './pool-shares';
import { ResourceOptions } from './resources.options';

const defaults = ResourceOptions.parse({});
const codebase = WORKER_KINDS['codebase-worker'].defaultPools;
const GiB = 1024;

describe("pools from a family's share of the host", () => {
  it('are the reference sizes on the reference host: grep runs 32 at once', () => {
    for (const kind of Object.values(WORKER_KINDS)) {
      expect(derivePools(kind.defaultPools, defaults, REFERENCE_HOST)).toEqual(kind.defaultPools);
    }
    expect(derivePools(codebase, defaults, REFERENCE_HOST)['code.grep']).toBe(32);
  });

  it('are the reference sizes on the 4-core, 8 GiB node deploy/k8s sizes its pods for', () => {
    const node = { cores: 4, memoryMiB: 8 * GiB };
    // Each pod's memory limit is its family's share of that node (codebase 4096Mi, bash 1228Mi).
    expect(derivePools(codebase, defaults, node, { memoryMiB: 4096 })).toEqual(codebase);
    const bash = WORKER_KINDS['bash-worker'].defaultPools;
    expect(derivePools(bash, defaults, node, { memoryMiB: 1228 })).toEqual(bash);
  });

  it('follow the scarcer of cores and memory', () => {
    const small = derivePools(codebase, defaults, { cores: 1, memoryMiB: 64 * GiB });
    expect(small).toEqual({ 'code.glob': 2, 'code.grep': 16, 'code.read': 4, 'code.xref': 2 });
    const tight = derivePools(codebase, defaults, { cores: 8, memoryMiB: 2 * GiB });
    expect(tight['code.grep']).toBe(8);
  });

  it('are capped by a container limit, and grow at most maxScale times', () => {
    const big = { cores: 64, memoryMiB: 256 * GiB };
    expect(derivePools(codebase, defaults, big)['code.grep']).toBe(32 * defaults.maxScale);
    expect(derivePools(codebase, defaults, big, { cores: 0.4 })['code.grep']).toBe(16);
  });

  it("follow the matrix a deployment sets, and the host it names over the machine's", () => {
    const options = ResourceOptions.parse({
      matrix: { codebase: { cpu: 20 }, web: { cpu: 40 } },
      host: { cores: 2, memoryMiB: 8 * GiB },
    });
    const anyMachine = { cores: 96, memoryMiB: 512 * GiB };
    expect(derivePools(codebase, options, anyMachine)['code.grep']).toBe(16);
  });

  it('keep at least one slot per pool, however small the share', () => {
    const options = ResourceOptions.parse({ matrix: { codebase: { cpu: 0 } } });
    expect(derivePools(codebase, options, REFERENCE_HOST)['code.xref']).toBe(1);
  });

  it('give the orchestrator every family’s capacity to refuse tasks against', () => {
    expect(capacities(defaults, { cores: 4, memoryMiB: 8 * GiB })).toEqual({
      web: { cpu: 0.8, memoryMiB: 2048 },
      codebase: { cpu: 1.6, memoryMiB: 4096 },
      bash: { cpu: 1.2, memoryMiB: 1228.8 },
      coordination: { cpu: 0.4, memoryMiB: 819.2 },
    });
  });
});
