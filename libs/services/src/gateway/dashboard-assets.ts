import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The browser app: one script and one stylesheet. */
export interface DashboardAssets {
  script: string;
  style: string;
}

let cached: Promise<DashboardAssets> | undefined;

/**
 * The app as built by `npm run build` (`dist/dashboard/`, found above the running bundle),
 * else bundled now from its sources by esbuild, once per process: running from the
 * sources (tsx, tests) needs no build step.
 */
export function dashboardAssets(): Promise<DashboardAssets> {
  cached ??= (async () => prebuilt() ?? (await bundle()))().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

function prebuilt(): DashboardAssets | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++, dir = dirname(dir)) {
    const script = join(dir, 'dashboard', 'app.js');
    if (existsSync(script)) {
      const style = readFileSync(join(dir, 'dashboard', 'app.css'), 'utf8');
      return { script: readFileSync(script, 'utf8'), style };
    }
  }
  return undefined;
}

async function bundle(): Promise<DashboardAssets> {
  // Loaded only here: a built image has the files and no esbuild.
  const { bundleDashboard } = await import('./bundle-dashboard.mjs');
  return bundleDashboard();
}
