/**
 * The settings of a standalone server, which simplejwt leaves to Django: the secret, the
 * database and Redis, request and connection limits, and what the server logs and measures.
 */
import type { LogFormat, LogLevel } from '../observability/log-options.js';

/** The secret, where data lives, the user cache and the largest body. */
export interface ServerSettings {
  /**
   * Seconds a user read for request authentication may be reused by this process. Changes made
   * through this process apply at once; changes from other processes within this time (at once
   * with Redis). 0 turns the cache off. @default 5
   */
  USER_CACHE_TTL: number;

  /** The server's secret; the default `SIGNING_KEY`. From `TESSERA_SECRET_KEY`. */
  SECRET_KEY: string;
  /** Where users and tokens live: `sqlite:PATH` (default `sqlite:tessera.sqlite3`; the file is created, its folder must exist), or `postgres://...`. */
  DATABASE_URL: string;
  /**
   * Redis for what instances share besides the database: throttle counters and user-cache
   * invalidations (`redis://host:6379`). Optional; when it goes away Tessera keeps answering
   * correctly from the database. @default null
   */
  REDIS_URL: string | null;
  /** Largest request body accepted, in bytes. @default 1048576 */
  MAX_BODY_BYTES: number;
}

/** Timeouts, connections, proxies, and the longest password checked. */
export interface ServerLimitSettings {
  /**
   * Seconds a client has to send a whole request (headers and body) before the connection is
   * closed (408); also the bound on waiting for headers. @default 30
   */
  REQUEST_TIMEOUT: number;
  /** Seconds an idle keep-alive connection stays open between requests. @default 5 */
  KEEP_ALIVE_TIMEOUT: number;
  /** Most open client connections; further ones are closed at once. @default 1000 */
  MAX_CONNECTIONS: number;
  /**
   * Which proxies to believe about the client address (`X-Forwarded-For`): `false` (none: the
   * socket's peer is the client), `true` (any: only behind a proxy you control), a hop count,
   * or a comma-separated list of proxy addresses/CIDRs. @default false
   */
  TRUST_PROXY: boolean | number | string;
  /** Longest password accepted, in characters, checked before any hashing (a DoS bound). @default 4096 */
  MAX_PASSWORD_LENGTH: number;
}

/** Metrics, the audit trail's retention, and logs. */
export interface ObservabilitySettings {
  /**
   * Prometheus metrics (docs/operations.md): counters of logins, refreshes, authentications,
   * registrations, blacklisted tokens and key events; request latency per route; password
   * hashing time; the process's default metrics. The bundled server serves them on
   * METRICS_ADDR; a library app gets the registry as `tessera.metrics`. @default false
   */
  METRICS_ENABLED: boolean;
  /**
   * Where the bundled server serves `GET /metrics`, as `host:port`: a listener of its own, never
   * the API's port. Loopback by default: exposing it further is a deliberate choice (a scraper
   * on another host). @default '127.0.0.1:9464'
   */
  METRICS_ADDR: string;
  /**
   * How long audit events are kept, in seconds (`90d` works): `tessera flushexpiredtokens` and
   * `tessera pruneaudit` delete older rows. `null` keeps them forever. @default 7776000 (90 days)
   */
  AUDIT_RETENTION: number | null;
  /** The bundled server's log level: fatal, error, warn, info, debug, trace or silent. @default 'info' */
  LOG_LEVEL: LogLevel;
  /**
   * `json` (one JSON object per line, for log shippers), `pretty` (for people), or `auto`:
   * pretty on a terminal outside production (`NODE_ENV=production`), JSON otherwise. @default 'auto'
   */
  LOG_FORMAT: LogFormat;
  /**
   * The bundled server writes one line per request: method, path (no query string), status,
   * milliseconds and request id; never a header, a body or a token. @default true outside
   * production, false in production (`NODE_ENV=production`)
   */
  LOG_REQUESTS: boolean;
}

/** The server settings' defaults but SECRET_KEY's (which has none: it is generated or required). */
export const SERVER_DEFAULTS: Readonly<Omit<ServerSettings, 'SECRET_KEY'>> = {
  USER_CACHE_TTL: 5,
  DATABASE_URL: 'sqlite:tessera.sqlite3',
  REDIS_URL: null,
  MAX_BODY_BYTES: 1_048_576,
};

export const SERVER_LIMIT_DEFAULTS: Readonly<ServerLimitSettings> = {
  REQUEST_TIMEOUT: 30,
  KEEP_ALIVE_TIMEOUT: 5,
  MAX_CONNECTIONS: 1000,
  TRUST_PROXY: false,
  MAX_PASSWORD_LENGTH: 4096,
};

export const OBSERVABILITY_DEFAULTS: Readonly<ObservabilitySettings> = {
  METRICS_ENABLED: false,
  METRICS_ADDR: '127.0.0.1:9464',
  AUDIT_RETENTION: 7_776_000,
  LOG_LEVEL: 'info',
  LOG_FORMAT: 'auto',
  LOG_REQUESTS: true,
};
