import { z } from 'zod';
import { ripgrepPath } from './ripgrep/ripgrep-path';

/** What an operator may set for the codebase tools, with its defaults. */
const CodebaseSettingsSchema = z.object({
  /** The rg binary `code.grep` runs. */
  ripgrepPath: z.string().min(1).default(ripgrepPath),
});

export type CodebaseSettings = z.infer<typeof CodebaseSettingsSchema>;

/** The defaults: the bundled ripgrep. */
export const DEFAULT_CODEBASE_SETTINGS: CodebaseSettings = CodebaseSettingsSchema.parse({});

/**
 * Reads the codebase tools' settings from an environment, in one place:
 * `FANOUT_RG_PATH`, a ripgrep binary to run in place of the bundled one.
 */
export function codebaseSettingsFromEnv(env: NodeJS.ProcessEnv): CodebaseSettings {
  return CodebaseSettingsSchema.parse({ ripgrepPath: env['FANOUT_RG_PATH'] || undefined });
}
