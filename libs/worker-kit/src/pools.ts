/** Slots of a tool that neither code, environment nor the host's defaults size. */
export const DEFAULT_POOL_SLOTS = 8;

/** The variable that sizes a tool's pool: `code.grep` -> `FANOUT_POOL_CODE_GREP`. */
export function poolEnvVar(tool: string): string {
  return `FANOUT_POOL_${tool.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Where pool sizes come from, strongest first. */
export interface PoolSources {
  /** Decided in code (a test, an embedding host). */
  pools?: Readonly<Record<string, number>>;
  /** The operator's knob: `FANOUT_POOL_<TOOL>`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The host's defaults, e.g. the codebase worker's glob 4, grep 32, read 8, xref 4. */
  defaults?: Readonly<Record<string, number>>;
}

/**
 * The slot count of each hosted tool: code's `pools`, else `FANOUT_POOL_<TOOL>`, else the
 * host's defaults, else {@link DEFAULT_POOL_SLOTS}. A size for a tool the worker does not
 * host is refused rather than ignored: it is a typo that would otherwise size nothing.
 */
export function resolvePools(
  tools: readonly string[],
  sources: PoolSources = {},
): Map<string, number> {
  for (const [where, sizes] of [
    ['pools', sources.pools],
    ['defaultPools', sources.defaults],
  ] as const) {
    const stray = Object.keys(sizes ?? {}).filter((tool) => !tools.includes(tool));
    if (stray.length > 0) {
      throw new Error(
        `${where} sizes ${stray.join(', ')}, which this worker does not host (it hosts ${tools.join(', ')})`,
      );
    }
  }
  const env = sources.env ?? {};
  return new Map(
    tools.map((tool) => {
      const variable = poolEnvVar(tool);
      const raw = env[variable];
      const [value, where] =
        sources.pools?.[tool] !== undefined
          ? [sources.pools[tool], `pools["${tool}"]`]
          : raw !== undefined && raw !== ''
            ? [Number(raw), variable]
            : sources.defaults?.[tool] !== undefined
              ? [sources.defaults[tool], `defaultPools["${tool}"]`]
              : [DEFAULT_POOL_SLOTS, 'DEFAULT_POOL_SLOTS'];
      if (!Number.isInteger(value) || value < 1) {
        throw new Error(
          `${where} must be a positive whole number of slots for ${tool}, got ${JSON.stringify(raw ?? value)}`,
        );
      }
      return [tool, value];
    }),
  );
}
