import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * What the guard lets through besides public unicast addresses: CIDRs (`127.0.0.0/8`,
 * `::1/128`) and host names (`intranet.example`, or `.example` for every sub-domain).
 * Tests use it to reach their own loopback servers; production leaves it empty.
 */
export interface AllowList {
  cidrs: [Address, number][];
  hosts: string[];
}

/** Parses allow-list entries; an IP without a prefix length stands for itself alone. */
export function parseAllowList(entries: readonly string[] = []): AllowList {
  const allow: AllowList = { cidrs: [], hosts: [] };
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry.includes('/')) allow.cidrs.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(entry)) {
      const address = ipaddr.parse(entry);
      allow.cidrs.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else allow.hosts.push(entry);
  }
  return allow;
}

/** Whether a host name (lower case, no brackets) is allowed by name. */
export function hostAllowed(host: string, allow: AllowList): boolean {
  return allow.hosts.some((h) => (h.startsWith('.') ? host.endsWith(h) : host === h));
}

/** An IPv4-mapped IPv6 address (`::ffff:7f00:1`) is judged as the IPv4 address it carries. */
function unmap(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/**
 * Why an address may not be connected to, or undefined when it may. Only globally routed
 * unicast passes: loopback, private, link-local (and so cloud metadata), CGNAT,
 * unspecified, multicast, broadcast, reserved, ULA (and so `fd00:ec2::254`), NAT64 and
 * tunnel forms are all refused, unless the allow-list names the address's CIDR.
 */
export function blockedReason(ip: string, allow: AllowList): string | undefined {
  if (!ipaddr.isValid(ip)) return `not an IP address: ${ip}`;
  const address = unmap(ipaddr.parse(ip));
  for (const [network, bits] of allow.cidrs) {
    if (network.kind() === address.kind() && address.match(network, bits)) return undefined;
  }
  const range = address.range();
  return range === 'unicast' ? undefined : `${address.toString()} is ${range}`;
}
