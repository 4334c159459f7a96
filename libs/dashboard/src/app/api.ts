/** The token the page was opened with (`?token=`), kept for the session's API calls. */
const token = (() => {
  const given = new URLSearchParams(location.search).get('token');
  if (given) sessionStorage.setItem('fanout-token', given);
  return given ?? sessionStorage.getItem('fanout-token') ?? undefined;
})();

/** An API path with the token added, for `EventSource` (which sends no headers). */
export function apiUrl(path: string): string {
  if (!token) return `/api/${path}`;
  return `/api/${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/** Calls the API; a refusal throws with the gateway's message. */
export async function api<T>(path: string, method: 'GET' | 'POST' = 'GET'): Promise<T> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const response = await fetch(`/api/${path}`, { method, headers });
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

/**
 * Follows a Server-Sent Events stream; returns the function that closes it. A stream the
 * gateway refused (a workflow submitted a moment ago whose first event is not logged yet
 * answers 404) is asked again every second; `onOpen` is told each time it (re)opens, as a
 * stream replays from its start.
 */
export function follow(
  path: string,
  on: Record<string, (data: unknown) => void>,
  onOpen?: () => void,
): () => void {
  let source: EventSource | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const open = () => {
    source = new EventSource(apiUrl(path));
    source.addEventListener('open', () => onOpen?.());
    source.addEventListener('error', () => {
      // CONNECTING: the browser tries again by itself; CLOSED: it gave up, so we do.
      if (closed || source?.readyState !== EventSource.CLOSED) return;
      retry = setTimeout(open, 1_000);
    });
    for (const [name, handle] of Object.entries(on)) {
      source.addEventListener(name, (message) =>
        handle(JSON.parse((message as MessageEvent).data)),
      );
    }
  };
  open();
  return () => {
    closed = true;
    clearTimeout(retry);
    source?.close();
  };
}

/** Moves to another page of the app without reloading it. */
export function navigate(path: string): void {
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}
