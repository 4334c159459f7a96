import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebFetcher } from '../fetch/fetcher';
import { page, redirect, serve } from '../testing/serve';
import { SsrfGuard } from './guard';

const ctx = () => ({ signal: new AbortController().signal });
const input = (url: string) => ({
  url,
  extract: 'text' as const,
  maxBytes: 1_000_000,
  timeoutMs: 5_000,
});

describe('SSRF guard', () => {
  const guard = new SsrfGuard();

  it.each([
    ['loopback', 'http://127.0.0.1/'],
    ['loopback by name', 'http://localhost/'],
    ['loopback v6', 'http://[::1]/'],
    ['private 10/8', 'http://10.1.2.3/'],
    ['private 172.16/12', 'http://172.20.0.1/'],
    ['private 192.168/16', 'http://192.168.1.1/'],
    ['link-local', 'http://169.254.10.10/'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['AWS metadata v6', 'http://[fd00:ec2::254]/'],
    ['link-local v6', 'http://[fe80::1]/'],
    ['CGNAT', 'http://100.64.0.1/'],
    ['unspecified', 'http://0.0.0.0/'],
    ['unspecified v6', 'http://[::]/'],
    ['multicast', 'http://224.0.0.1/'],
    ['multicast v6', 'http://[ff02::1]/'],
    ['ULA', 'http://[fc00::1]/'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped metadata (hex)', 'http://[::ffff:a9fe:a9fe]/'],
    ['decimal literal', 'http://2130706433/'],
    ['octal literal', 'http://0177.0.0.1/'],
    ['hex literal', 'http://0x7f.1/'],
    ['short dotted literal', 'http://127.1/'],
    ['broadcast', 'http://255.255.255.255/'],
    ['non-http scheme', 'file:///etc/passwd'],
    ['ftp scheme', 'ftp://example.com/'],
  ])('refuses %s (%s)', async (_name, url) => {
    await expect(guard.check(new URL(url))).rejects.toMatchObject({
      code: 'SSRF_BLOCKED',
      retryable: false,
    });
  });

  it('refuses every address of the refused ranges, however it is written, in bulk', async () => {
    /** [first octets, prefix bits] of IPv4 ranges that are never public. */
    const ranges: [number[], number][] = [
      [[127], 8],
      [[10], 8],
      [[172, 16], 12],
      [[192, 168], 16],
      [[169, 254], 16],
      [[100, 64], 10],
      [[0], 8],
      [[224], 4],
    ];
    const address = fc
      .tuple(fc.constantFrom(...ranges), fc.integer({ min: 0, max: 2 ** 32 - 1 }))
      .map(([[octets, bits], random]) => {
        const network = octets
          .concat([0, 0, 0, 0])
          .slice(0, 4)
          .reduce((n, o) => n * 256 + o, 0);
        const host = bits === 32 ? 0 : random % 2 ** (32 - bits);
        return network - (network % 2 ** (32 - bits)) + host;
      });
    const octetsOf = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    const written = fc.tuple(address, fc.nat(4)).map(([n, form]) => {
      const o = octetsOf(n);
      const hex = (x: number) => x.toString(16);
      switch (form) {
        case 0:
          return o.join('.');
        case 1:
          return String(n);
        case 2:
          return `0x${hex(n)}`;
        case 3:
          return o.map((x) => `0${x.toString(8)}`).join('.');
        default:
          return `[::ffff:${hex((o[0]! << 8) | o[1]!)}:${hex((o[2]! << 8) | o[3]!)}]`;
      }
    });
    await fc.assert(
      fc.asyncProperty(written, async (host) => {
        await expect(guard.check(new URL(`http://${host}/`))).rejects.toMatchObject({
          code: 'SSRF_BLOCKED',
        });
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });

  it('lets a public address through', async () => {
    await expect(guard.check(new URL('http://93.184.216.34/'))).resolves.toBeUndefined();
  });

  it('lets an allow-listed CIDR through', async () => {
    const open = new SsrfGuard({ allow: ['127.0.0.0/8'] });
    await expect(open.check(new URL('http://2130706433/'))).resolves.toBeUndefined();
    await expect(open.check(new URL('http://10.0.0.1/'))).rejects.toMatchObject({
      code: 'SSRF_BLOCKED',
    });
  });

  it('refuses at connect time when a name resolves to a refused address (rebinding)', async () => {
    const lookup = new SsrfGuard().lookup;
    const error = await new Promise<unknown>((resolve) =>
      lookup('localhost', {}, (e) => resolve(e)),
    );
    expect(error).toMatchObject({ code: 'SSRF_BLOCKED' });
  });

  it('connects only to the address it checked: a name that rebinds to loopback is refused', async () => {
    const site = await serve({ '/': page('internal') }, '127.0.0.1');
    let answers = 0;
    // First answer public (passes the pre-check), then loopback (what an attacker's DNS would do).
    const resolve = async () => [
      { address: answers++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 },
    ];
    // No robots.txt, so the second answer is the connector's own lookup, not a second check.
    const fetcher = new WebFetcher({ resolve, politenessDelayMs: 0, robots: false });
    try {
      await expect(
        fetcher.fetch(input(`http://rebind.test:${site.port}/`), ctx()),
      ).rejects.toMatchObject({
        code: 'SSRF_BLOCKED',
      });
      expect(answers).toBe(2);
      expect(site.hits).toEqual([]);
    } finally {
      await fetcher.close();
      await site.close();
    }
  });

  it('connects to the resolved address when every answer is allowed', async () => {
    const site = await serve({ '/': page('<title>ok</title>') }, '127.0.0.1');
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const fetcher = new WebFetcher({ resolve, allow: ['127.0.0.0/8'], politenessDelayMs: 0 });
    try {
      const result = await fetcher.fetch(input(`http://named.test:${site.port}/`), ctx());
      expect(result).toMatchObject({ status: 200, title: 'ok' });
    } finally {
      await fetcher.close();
      await site.close();
    }
  });

  it('refuses a redirect from an allowed host to a refused one', async () => {
    const target = await serve({ '/secret': page('internal') }, '127.0.0.3');
    const site = await serve({ '/go': redirect(`${target.origin}/secret`) }, '127.0.0.2');
    const fetcher = new WebFetcher({ allow: ['127.0.0.2'], politenessDelayMs: 0 });
    try {
      await expect(fetcher.fetch(input(`${site.origin}/go`), ctx())).rejects.toMatchObject({
        code: 'SSRF_BLOCKED',
      });
      expect(target.hits).toEqual([]);
    } finally {
      await fetcher.close();
      await site.close();
      await target.close();
    }
  });

  it('refuses a redirect to a decimal-form loopback literal', async () => {
    const site = await serve({ '/go': redirect('http://2130706433:9/x') }, '127.0.0.2');
    const fetcher = new WebFetcher({ allow: ['127.0.0.2'], politenessDelayMs: 0 });
    try {
      await expect(fetcher.fetch(input(`${site.origin}/go`), ctx())).rejects.toMatchObject({
        code: 'SSRF_BLOCKED',
      });
    } finally {
      await fetcher.close();
      await site.close();
    }
  });
});
