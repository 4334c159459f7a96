/** The dashboard's browser app, bundled: its script and its stylesheet. */
export function bundleDashboard(): Promise<{ script: string; style: string }>;
