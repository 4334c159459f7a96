import { describe, expect, it } from 'vitest';
import { BASH_CATEGORY_SHARES } from './category-shares';
import { bashFamilyShare, webNetworkShare } from './family-shares';

describe("the families' shares the tools are held to", () => {
  it("gives bash commands the bash family's share of the host's memory and cores", () => {
    const share = bashFamilyShare(BASH_CATEGORY_SHARES, {
      FANOUT_RESOURCES: '{host: {memoryMiB: 1000, cores: 4}, matrix: {bash: {memory: 10}}}',
    });
    expect(share).toMatchObject({ family: 'bash', cores: 1.2 });
    expect(share.memoryBytes).toBe(100 * 1024 * 1024);
    expect(share.categoryShares?.['build']).toBe(4 / 16);
  });

  it("gives fetches the web family's network share", () => {
    expect(webNetworkShare({})).toBe(0.6);
    expect(webNetworkShare({ FANOUT_RESOURCES: '{matrix: {web: {network: 30}}}' })).toBe(0.3);
  });
});
