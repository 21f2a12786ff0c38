import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../server/config';

interface Service {
  environment?: Record<string, string>;
  image?: string;
  networks?: Record<string, { ipv4_address?: string }>;
}
interface Compose {
  services: Record<string, Service>;
  networks?: Record<string, { ipam?: { config?: { subnet?: string }[] } }>;
}

const compose = parse(readFileSync(new URL('../../infra/compose.yaml', import.meta.url), 'utf8'), { merge: true }) as Compose;

describe('infra behind the proxy', () => {
  it("SEC18: compose trusts exactly the proxy's fixed address for X-Forwarded-For, inside its network's subnet", () => {
    const proxyAddress = compose.services.proxy?.networks?.default?.ipv4_address ?? '';
    expect(proxyAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const subnet = compose.networks?.default?.ipam?.config?.[0]?.subnet ?? '';
    const [base, prefix] = subnet.split('/');
    const inSubnet = parseConfig({ TRUST_PROXY: `${base}/${prefix}` }).trustProxy;
    expect(inSubnet?.check(proxyAddress, 'ipv4')).toBe(true);
    for (const name of ['app1', 'app2']) {
      const env = compose.services[name]?.environment ?? {};
      expect(env.TRUST_PROXY).toBe(proxyAddress);
      const trusted = parseConfig(env).trustProxy;
      expect(trusted?.check(proxyAddress, 'ipv4')).toBe(true);
      expect(trusted?.check(`${base}`.replace(/\d+$/, '11'), 'ipv4')).toBe(false);
    }
  });
});
