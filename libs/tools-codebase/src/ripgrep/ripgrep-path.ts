import { rgPath } from '@vscode/ripgrep';

/**
 * The ripgrep binary the tools run unless told otherwise: the one `@vscode/ripgrep` ships
 * for this platform, so results do not depend on whatever `rg` a host happens to have on
 * its PATH. A host that must use a vetted build names it (`codebaseSettingsFromEnv`).
 */
export const ripgrepPath: string = rgPath;
