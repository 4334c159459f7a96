/**
 * web.fetch under load: 2,000 fetches from a local server answering as 50 hosts
 * (127.0.0.2 … 127.0.0.51, which Linux routes to lo) at 8, 16 and 32 concurrent tasks,
 * side by side with a plain undici loop (pooled Agent, request, read the body) at the
 * same concurrency, so the cost of the guard, robots, per-host limits and extraction is
 * what the ratio shows. Politeness delay is 0 here (a bench measures the machinery, not
 * the pacing); per-host concurrency is the default 4. Last line: one JSON object with
 * the figures and `vs_undici_loop` (ours / undici pages per second at 32; floor 0.7).
 *
 * `npm run bench -- web`, or standalone: `npx tsx test/bench/web.bench.ts`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebFetcher } from '@fanout/tools-web';
import { Agent, request } from 'undici';
import { percentile, round, table } from './stats';

const HOSTS = Array.from({ length: 50 }, (_, i) => `127.0.0.${i + 2}`);
const FETCHES = 2_000;
const LEVELS = [8, 16, 32] as const;
const FLOOR = 0.7;
/**
 * The extraction mode timed. 'html' by default: the raw page plus title and links, so the
 * figures measure the fetch machinery; `WEB_BENCH_EXTRACT=text` (SAX pass) or `readable`
 * (DOM + Readability, about 0.7 ms a page here) add the extraction's CPU.
 */
const EXTRACT = (process.env.WEB_BENCH_EXTRACT ?? 'html') as 'text' | 'html' | 'readable';

const PAGE = (n: string) =>
  `<!doctype html><html><head><title>Page ${n}</title></head><body><nav>` +
  Array.from({ length: 20 }, (_, i) => `<a href="/p/${i}">link ${i}</a>`).join(' ') +
  `</nav><article><h1>Page ${n}</h1>` +
  `<p>${'Some text of a fairly ordinary page, about as long as a short article. '.repeat(40)}</p>` +
  `</article></body></html>`;

async function startSites(): Promise<{ origins: string[]; close(): Promise<void> }> {
  const handler = (
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ) => {
    if (req.url === '/robots.txt') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE(req.url ?? '/'));
  };
  const servers: Server[] = [];
  const origins: string[] = [];
  for (const host of HOSTS) {
    const server = createServer({ keepAliveTimeout: 30_000 }, handler);
    await new Promise<void>((done) => server.listen(0, host, done));
    servers.push(server);
    origins.push(`http://${host}:${(server.address() as AddressInfo).port}`);
  }
  return {
    origins,
    close: async () => {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((done) => server.close(done));
      }
    },
  };
}

const ROUNDS = 5;

/** The round with the median throughput. */
function median(runs: Run[]): Run {
  return [...runs].sort((a, b) => a.pagesPerS - b.pagesPerS)[Math.floor(runs.length / 2)] as Run;
}

interface Run {
  pagesPerS: number;
  p50: number;
  p99: number;
}

/** Runs `FETCHES` calls of `one` with `concurrency` workers pulling from one list. */
async function drive(
  urls: string[],
  concurrency: number,
  one: (url: string) => Promise<unknown>,
): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < urls.length) {
        const url = urls[next++] as string;
        const t = performance.now();
        await one(url);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    pagesPerS: urls.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** The bench entry point. */
export async function run(): Promise<void> {
  const sites = await startSites();
  const urls = Array.from(
    { length: FETCHES },
    (_, i) => `${sites.origins[i % HOSTS.length]}/page/${i}`,
  );
  const warm = sites.origins.map((origin) => `${origin}/warm`);
  const signal = new AbortController().signal;
  const rows: (string | number)[][] = [];
  const ours: Record<number, Run> = {};
  const plain: Record<number, Run> = {};
  try {
    for (const concurrency of LEVELS) {
      const fetcher = new WebFetcher({ allow: ['127.0.0.0/8'], politenessDelayMs: 0 });
      const fetchOne = (url: string) =>
        fetcher.fetch(
          { url, extract: EXTRACT, maxBytes: 5_242_880, timeoutMs: 30_000 },
          { signal },
        );
      const agent = new Agent({ connections: 8 });
      const plainOne = async (url: string) => {
        const res = await request(url, { dispatcher: agent });
        return res.body.text();
      };
      // Warm both paths with a whole untimed pass each (JIT, connections, robots cache: a
      // shorter warm-up left the first level timing half-compiled code), then interleave
      // timed rounds so both see the same machine, and keep each one's median round.
      await drive(warm, concurrency, fetchOne);
      await drive(warm, concurrency, plainOne);
      await drive(urls, concurrency, fetchOne);
      await drive(urls, concurrency, plainOne);
      const oursRounds: Run[] = [];
      const plainRounds: Run[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        oursRounds.push(await drive(urls, concurrency, fetchOne));
        plainRounds.push(await drive(urls, concurrency, plainOne));
      }
      ours[concurrency] = median(oursRounds);
      plain[concurrency] = median(plainRounds);
      await fetcher.close();
      await agent.close();

      const a = ours[concurrency];
      const b = plain[concurrency];
      rows.push([
        concurrency,
        round(a.pagesPerS, 0),
        round(a.p50, 2),
        round(a.p99, 2),
        round(b.pagesPerS, 0),
        round(b.p99, 2),
        round(a.pagesPerS / b.pagesPerS),
      ]);
    }
  } finally {
    await sites.close();
  }
  console.log(
    table(
      [
        'concurrency',
        'ours p/s',
        'ours p50 ms',
        'ours p99 ms',
        'undici p/s',
        'undici p99 ms',
        'ratio',
      ],
      rows,
    ),
  );
  const ratio = round((ours[32]?.pagesPerS ?? 0) / (plain[32]?.pagesPerS ?? 1));
  console.log(
    `${FETCHES} fetches over ${HOSTS.length} hosts, median of ${ROUNDS} interleaved rounds, extract '${EXTRACT}'; floor vs_undici_loop >= ${FLOOR}`,
  );
  console.log(
    JSON.stringify({
      bench: 'web',
      figures: {
        pages_per_s_8: round(ours[8]?.pagesPerS ?? 0, 1),
        pages_per_s_16: round(ours[16]?.pagesPerS ?? 0, 1),
        pages_per_s_32: round(ours[32]?.pagesPerS ?? 0, 1),
        p99_ms_32: round(ours[32]?.p99 ?? 0, 2),
      },
      ratios: { vs_undici_loop: ratio },
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await run();
}
