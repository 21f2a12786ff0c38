import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustedProxies } from '../../server/auth/client-address';
import { parseConfig } from '../../server/config';

function trusted(value: string) {
  const parsed = parseTrustedProxies(value);
  if (!parsed.ok) throw new Error(`bad entry ${parsed.entry}`);
  return parsed.list;
}

describe('TRUST_PROXY', () => {
  it('SEC18: parses addresses and CIDRs of both families; anything else is a configuration error', () => {
    expect(parseTrustedProxies('10.0.0.0/8, 127.0.0.1,fd00::/8, ::1').ok).toBe(true);
    for (const bad of ['10.0.0.0/33', 'fd00::/129', 'proxy.local', '10.0.0.0/', '10.0.0.0/8x', '300.1.1.1']) {
      expect(parseTrustedProxies(bad)).toEqual({ ok: false, entry: bad });
      expect(() => parseConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
    }
    expect(parseConfig({}).trustProxy).toBeNull();
    expect(parseConfig({ TRUST_PROXY: '' }).trustProxy).toBeNull();
    expect(parseConfig({ TRUST_PROXY: '172.16.0.0/12' }).trustProxy?.check('172.31.255.255', 'ipv4')).toBe(true);
  });

  it('SEC18: X-Forwarded-For counts only when the peer is a trusted proxy, and then its right-most untrusted entry is the client', () => {
    const list = trusted('10.0.0.0/8, fd00::/8');
    expect(clientAddress('203.0.113.1', '198.51.100.1', list)).toBe('203.0.113.1');
    expect(clientAddress('203.0.113.1', '198.51.100.1', null)).toBe('203.0.113.1');
    expect(clientAddress('10.0.0.2', '198.51.100.1', null)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', undefined, list)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', '198.51.100.1', list)).toBe('198.51.100.1');
    expect(clientAddress('::ffff:10.0.0.2', '1.1.1.1, 198.51.100.1, 10.9.9.9', list)).toBe('198.51.100.1');
    expect(clientAddress('fd00::1', '2001:db8::1', list)).toBe('2001:db8::1');
    // Every hop trusted: the left-most one is as far as we can see.
    expect(clientAddress('10.0.0.2', '10.0.0.3, 10.0.0.4', list)).toBe('10.0.0.3');
    expect(clientAddress('10.0.0.2', 'garbage', list)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', '198.51.100.1, garbage', list)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', ' , ', list)).toBe('10.0.0.2');
    expect(clientAddress(undefined, '198.51.100.1', list)).toBeNull();
  });
});
