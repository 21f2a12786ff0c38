import { pino, type Logger as PinoLogger } from 'pino';
import type { Config } from './config';

/**
 * The server's start-up and shutdown log: one line per step, gated by LOG_LEVEL
 * (`silent < error < info < debug`). `ready` is the line tools wait for (tests,
 * the bench, `npm run demo`'s users), so it prints at every level but silent.
 */
export type LogLevel = Config['logLevel'];

const rank: Record<LogLevel, number> = { silent: 0, error: 1, info: 2, debug: 3 };

export interface Logger {
  /** One start-up step, with how long it took: `database: restored ... (912 ms)`. */
  step(name: string, message: string, ms: number): void;
  info(message: string): void;
  ready(message: string): void;
  error(message: string, err?: unknown): void;
}

export interface LogSink {
  out(line: string): void;
  err(line: string, err?: unknown): void;
}

const consoleSink: LogSink = {
  out: (line) => console.log(line),
  err: (line, err) => (err === undefined ? console.error(line) : console.error(line, err)),
};

export function createLogger(level: LogLevel, sink: LogSink = consoleSink): Logger {
  const at = (min: LogLevel) => rank[level] >= rank[min];
  return {
    step(name, message, ms) {
      if (at('info')) sink.out(`twinpad ${name}: ${message} (${Math.round(ms)} ms)`);
    },
    info(message) {
      if (at('info')) sink.out(`twinpad ${message}`);
    },
    ready(message) {
      if (at('error')) sink.out(`twinpad ${message}`);
    },
    error(message, err) {
      if (at('error')) sink.err(`twinpad ${message}`, err);
    },
  };
}

/** Times one step: `const done = timer(); ...; log.step('database', '...', done())`. */
export function timer(): () => number {
  const t0 = performance.now();
  return () => performance.now() - t0;
}

/** The server's structured log: pino, one JSON line per event. */
export type ServerLog = PinoLogger;

/** Paths that never reach a log line: passwords, tokens and cookies. */
export const redactedPaths = [
  'password',
  '*.password',
  'currentPassword',
  '*.currentPassword',
  'newPassword',
  '*.newPassword',
  'token',
  '*.token',
  'cookie',
  '*.cookie',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

/** The structured log at `level` (LOG_LEVEL; pino has the same names). */
export function createServerLog(level: LogLevel, destination?: NodeJS.WritableStream): ServerLog {
  const options = { level, base: { app: 'twinpad' }, redact: { paths: redactedPaths, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
