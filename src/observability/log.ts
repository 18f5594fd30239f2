/**
 * Structured logs: JSON lines through pino (docs/decisions.md), one object per line, with the
 * request id on every line written while answering a request. Credentials are redacted by key
 * wherever they appear in a logged object, as a safety net: Tessera itself never logs headers,
 * bodies, tokens or passwords. In development (a terminal, NODE_ENV not production) lines are
 * formatted for people by `pretty-lines.ts` instead.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogFormat, LogLevel } from './log-options.js';
import type { Logger } from '../model/logger.js';
import { prettyLines } from './pretty-lines.js';

/** Keys whose values never reach a log line, at the top level and one or two levels down. */
const SECRET_KEYS = [
  'password',
  'password2',
  'new_password',
  'old_password',
  'token',
  'access',
  'refresh',
  'authorization',
  'cookie',
  'set-cookie',
  'secret',
  'SECRET_KEY',
  'SIGNING_KEY',
  'REVOCATION_FEED_KEY',
  'csrfToken',
];

/** pino redaction paths for {@link SECRET_KEYS}: `key`, `*.key`, `*.*.key` (bracketed: some hold dashes). */
export const REDACTED_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => [`["${key}"]`, `*["${key}"]`, `*.*["${key}"]`]);

export interface LogOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go. @default process.stderr */
  readonly destination?: NodeJS.WritableStream;
  /** Decides `auto`. @default process.env.NODE_ENV === 'production' */
  readonly production?: boolean;
}

/** Whether `auto` means pretty here: a terminal, outside production. */
export function wantsPretty(format: LogFormat, destination: NodeJS.WritableStream, production: boolean): boolean {
  if (format !== 'auto') return format === 'pretty';
  return !production && (destination as { isTTY?: boolean }).isTTY === true;
}

/**
 * The pino logger the bundled server (and Fastify under it) writes through.
 *
 * @example
 * ```ts
 * const log = createPinoLogger({ level: 'info', format: 'json' });
 * log.info({ request_id: 'abc' }, 'listening');  // {"level":30,"time":...,"request_id":"abc","msg":"listening"}
 * ```
 */
export function createPinoLogger(options: LogOptions): PinoLogger {
  const destination = options.destination ?? process.stderr;
  const production = options.production ?? process.env.NODE_ENV === 'production';
  const stream: DestinationStream = wantsPretty(options.format, destination, production) ? prettyLines(destination) : destination;
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
      // Levels by name ("info"), as log shippers and people expect, not pino's numbers.
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

/**
 * Tessera's `Logger` over a pino logger, so the core's messages (keys, Redis, audit) share the
 * server's lines and their redaction.
 */
export function tesseraLoggerOf(log: PinoLogger): Logger {
  return {
    info: (message, fields) => (fields === undefined ? log.info(message) : log.info(fields, message)),
    warn: (message, fields) => (fields === undefined ? log.warn(message) : log.warn(fields, message)),
    error: (message, error) => (error === undefined ? log.error(message) : log.error({ err: error }, message)),
  };
}
