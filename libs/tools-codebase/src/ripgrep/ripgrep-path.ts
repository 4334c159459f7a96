import { rgPath } from '@vscode/ripgrep';

/**
 * The ripgrep binary every tool runs: the one `@vscode/ripgrep` ships for this platform,
 * so results do not depend on whatever `rg` a host happens to have on its PATH.
 * `FANOUT_RG_PATH` overrides it for hosts that must use a vetted build.
 */
export const ripgrepPath: string = process.env['FANOUT_RG_PATH'] ?? rgPath;
