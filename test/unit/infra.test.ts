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
    // Each example value is taken as written (an empty one means unset).
    expect(parseConfig(env)).toMatchObject({
      port: Number(env.PORT),
      host: env.HOST,
      dataDir: env.DATA_DIR,
      databaseUrl: env.DATABASE_URL || undefined,
      redisUrl: env.REDIS_URL || undefined,
      publicOrigin: env.PUBLIC_ORIGIN,
      logLevel: env.LOG_LEVEL,
      staticDir: env.STATIC_DIR,
      metricsPort: env.METRICS_PORT ? Number(env.METRICS_PORT) : undefined,
      metricsHost: env.METRICS_HOST,
      metricsToken: env.METRICS_TOKEN || undefined,
    });
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
      expect(parseConfig(env)).toMatchObject({ port: Number(env.PORT), host: env.HOST, databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL });
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

  it('OPS21: the Dockerfile builds and runs on Node 22 LTS and runs the compiled server, with no TypeScript loader in the runtime stage', () => {
    const dockerfile = read('Dockerfile');
    const froms = dockerfile.match(/^FROM \S+/gm) ?? [];
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toBe('FROM node:22-bookworm-slim');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^CMD \["node", "--enable-source-maps", "dist-server\/main\.js"\]$/m);
    expect(runtime).not.toMatch(/tsx|\.ts\b/);
    // What the compiled server reads at run time: its bundle, the client, and the SQL migrations beside it.
    for (const path of ['dist-server', 'dist', 'server/db/migrations', 'node_modules']) {
      expect(runtime).toMatch(new RegExp(`^COPY --from=build .*/app/${path} \\./${path}$`, 'm'));
    }
    expect(dockerfile).toMatch(/^RUN npm run build && npm prune --omit=dev$/m);
  });

  it('OPS22: npm start, npm run serve and the build use the compiled server; tsx and esbuild are dev dependencies (pruned from the image)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.scripts.build).toMatch(/scripts\/build-server\.ts/);
    expect(pkg.scripts.start).toMatch(/scripts\/build-server\.ts && node --enable-source-maps dist-server\/main\.js --build$/);
    expect(pkg.scripts.serve).toBe('node --enable-source-maps dist-server/main.js');
    expect(pkg.scripts.backup).toBe('node --import tsx scripts/backup.ts');
    expect(pkg.scripts.restore).toBe('node --import tsx scripts/restore.ts');
    for (const dev of ['tsx', 'esbuild', 'vite']) {
      expect(pkg.dependencies).not.toHaveProperty(dev);
      expect(pkg.devDependencies).toHaveProperty(dev);
    }
  });

  it('OPS23: the image build context leaves out node_modules and local builds; compose keeps /metrics on an unpublished internal port', () => {
    const ignored = read('Dockerfile.dockerignore').split('\n').map((l) => l.trim());
    for (const path of ['node_modules', 'dist', 'dist-server', 'data', '.git']) expect(ignored).toContain(path);
    const compose = parse(read('compose.yaml'), { merge: true }) as ComposeFile & { services: Record<string, { ports?: string[] }> };
    for (const name of ['app1', 'app2']) {
      const service = compose.services[name]!;
      expect(service.environment?.METRICS_PORT).toBe('9464');
      expect(service.ports ?? []).toEqual([]);
    }
  });
});
