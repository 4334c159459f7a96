import { DEFAULT_SEARCH_INSTANCES } from '@fanout/tools-web';

/**
 * Slots per web tool: both mostly wait on the network, fetches longer and more often
 * than searches (which are also cached). Per-host politeness inside `web.fetch` keeps a
 * wide pool from hammering one site. Overridden with `FANOUT_POOL_WEB_FETCH` and friends.
 */
export const WEB_POOLS = {
  'web.search': DEFAULT_SEARCH_INSTANCES,
  'web.fetch': 32,
} as const;
