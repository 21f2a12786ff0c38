import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configVariables, parseConfig } from '../../server/config';

const read = (p: string) => readFileSync(new URL(`../../infra/${p}`, import.meta.url), 'utf8');

function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

interface ComposeService {
  environment?: Record<string, string>;
  image?: string;
  build?: unknown;
  depends_on?: unknown;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

describe('infra', () => {
  it('INF1: .env.example lists exactly the variables server/config.ts reads, and they parse', () => {
    const env = parseEnvFile(read('.env.example'));
    expect(Object.keys(env).sort()).toEqual([...configVariables].sort());
    expect(() => parseConfig(env)).not.toThrow();
  });

  it('INF2: compose.yaml runs two app instances, postgres, redis and a proxy, with only known variables', () => {
    const compose = parse(read('compose.yaml'), { merge: true }) as ComposeFile;
    const apps = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);
    expect(apps.map(([name]) => name).sort()).toEqual(['app1', 'app2']);
    for (const [, service] of apps) {
      const env = service.environment ?? {};
      for (const key of Object.keys(env)) expect(configVariables).toContain(key);
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\//);
      expect(env.REDIS_URL).toMatch(/^redis:\/\//);
      expect(() => parseConfig(env)).not.toThrow();
    }
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
    expect(compose.services.redis?.image).toMatch(/^redis:/);
    expect(compose.services.proxy?.image).toMatch(/^(caddy|nginx):/);
  });

  it('INF3: the Dockerfile is multi-stage, runs as a non-root user and has a HEALTHCHECK', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER (?!root)\w+/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
  });
});
