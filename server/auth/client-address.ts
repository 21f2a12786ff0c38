import { BlockList, isIP } from 'node:net';

/**
 * The client's address behind reverse proxies. TRUST_PROXY lists the proxies
 * (addresses or CIDRs, IPv4 and IPv6) whose X-Forwarded-For is believed; from
 * anyone else the header is ignored, since any client can send it.
 */

/** IPv4-mapped IPv6 (`::ffff:203.0.113.7`, as dual-stack sockets report IPv4 peers) as plain IPv4. */
function normalize(address: string): string {
  const trimmed = address.trim();
  const lower = trimmed.toLowerCase();
  if (lower.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4) return trimmed.slice(7);
  return trimmed;
}

const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/**
 * Parses TRUST_PROXY (`10.0.0.0/8, 127.0.0.1, fd00::/8`) into a BlockList, or
 * returns the first entry that is not an address or CIDR as an error.
 */
export function parseTrustedProxies(value: string): { ok: true; list: BlockList } | { ok: false; entry: string } {
  const list = new BlockList();
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const slash = entry.indexOf('/');
    const address = normalize(slash < 0 ? entry : entry.slice(0, slash));
    const version = isIP(address);
    if (version === 0) return { ok: false, entry };
    if (slash < 0) {
      list.addAddress(address, family(address));
      continue;
    }
    const prefixText = entry.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText) || prefix > (version === 4 ? 32 : 128)) return { ok: false, entry };
    list.addSubnet(address, prefix, family(address));
  }
  return { ok: true, list };
}

function isTrusted(list: BlockList, address: string): boolean {
  return isIP(address) !== 0 && list.check(address, family(address));
}

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy; then
 * the right-most X-Forwarded-For entry that is not itself a trusted proxy (each
 * proxy appends the address it received from, so entries to the left of the
 * first untrusted one may be forged). A malformed entry ends the walk at the
 * last trusted hop. Null when there is no peer (in-process requests).
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined, trusted: BlockList | null): string | null {
  if (!peer) return null;
  let client = normalize(peer);
  if (!trusted || !isTrusted(trusted, client) || !forwardedFor) return client;
  const hops = forwardedFor.split(',').map(normalize).filter((hop) => hop !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? '';
    if (isIP(hop) === 0) break;
    client = hop;
    if (!isTrusted(trusted, hop)) break;
  }
  return client;
}
