import { z } from 'zod';
import { limits } from '../shared/limits';
import { parseTrustedProxies } from './auth/client-address';

/**
 * Twinpad's configuration, parsed once from the environment. This is the only
 * module that reads `process.env`; everything else receives a `Config`.
 */
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

export const configSchema = z
  .object({
    PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
    HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
    DATABASE_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
    REDIS_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
    PUBLIC_ORIGIN: z.preprocess(emptyToUndefined, z.string().url().optional()),
    LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['silent', 'error', 'info', 'debug']).default('info')),
    STATIC_DIR: z.preprocess(emptyToUndefined, z.string().default('./dist')),
    MAX_CONNECTIONS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(limits.maxConnectionsPerInstance)),
    METRICS_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).optional()),
    METRICS_HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
    METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16).regex(/^[A-Za-z0-9._~+/-]+=*$/).optional()),
    TRUST_PROXY: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .optional()
        .superRefine((v, issue) => {
          const parsed = v === undefined ? null : parseTrustedProxies(v);
          if (parsed && !parsed.ok) issue.addIssue({ code: 'custom', message: `not an address or CIDR: ${parsed.entry}` });
        }),
    ),
  })
  .transform((env) => ({
    port: env.PORT,
    host: env.HOST,
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    /** Explicit allowed Origin; when undefined, `http://localhost:<port>` (and 127.0.0.1) once bound. */
    publicOrigin: env.PUBLIC_ORIGIN?.replace(/\/$/, ''),
    logLevel: env.LOG_LEVEL,
    staticDir: env.STATIC_DIR,
    /** Collab sockets (and upgrades being admitted) this instance holds; past it an upgrade gets 503 `server_full`. */
    maxConnections: env.MAX_CONNECTIONS,
    /** `GET /metrics` on its own listener (METRICS_HOST:METRICS_PORT) instead of the public port. */
    metricsPort: env.METRICS_PORT,
    metricsHost: env.METRICS_HOST,
    /** Bearer token /metrics requires; without METRICS_PORT it is what opens /metrics on the public port. */
    metricsToken: env.METRICS_TOKEN,
    /** Proxies (addresses and CIDRs) whose X-Forwarded-For names the client; null: the TCP peer is the client. */
    trustProxy: trustedProxies(env.TRUST_PROXY),
  }));

function trustedProxies(value: string | undefined) {
  const parsed = value === undefined ? null : parseTrustedProxies(value);
  return parsed?.ok ? parsed.list : null;
}

export type Config = z.infer<typeof configSchema>;

/** The variables config reads, for infra/.env.example drift checks. */
export const configVariables = Object.keys(configSchema.in.shape) as (keyof z.input<typeof configSchema>)[];

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${issues}`);
  }
  return result.data;
}

/** Reads the real process environment. Call once, in main or a test harness. */
export function configFromProcess(overrides: Record<string, string | undefined> = {}): Config {
  return parseConfig({ ...process.env, ...overrides });
}
