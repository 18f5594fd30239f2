/**
 * The bundled server's share of observability: pino for Fastify and Tessera alike, a request id
 * per request, the latency of every answer by route pattern, and the metrics listener.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger as PinoLogger } from 'pino';
import type { LogLevel } from '../config/settings.js';
import { createPinoLogger } from '../observability/log.js';
import { listenForMetrics, type MetricsListener } from '../observability/metrics-listener.js';
import { proxyTrust, REQUEST_ID_HEADER, requestIdFor } from '../observability/request-id.js';
import type { Tessera } from '../app/tessera.js';

/** The server's pino logger, from LOG_LEVEL and LOG_FORMAT unless a level is forced (tests). */
export function serverLogger(tessera: Tessera, level?: LogLevel): PinoLogger {
  return createPinoLogger({ level: level ?? tessera.settings.LOG_LEVEL, format: tessera.settings.LOG_FORMAT });
}

/** Fastify's `genReqId`: a trusted proxy's X-Request-Id, else a new UUID. */
export function requestIdGenerator(tessera: Tessera): (raw: IncomingMessage) => string {
  const trusted = proxyTrust(tessera.settings.TRUST_PROXY);
  return (raw) => requestIdFor(raw.headers[REQUEST_ID_HEADER], trusted(raw.socket.remoteAddress));
}

/**
 * The `route` label of a request: its route's pattern when it matched one, a fixed word for the
 * pages and for what matched nothing. Never the path the client sent (unbounded, and it may
 * carry identifiers).
 */
export function routeLabeller(routePaths: Iterable<string>): (path: string, servedByPage: () => boolean) => string {
  const known = new Set(routePaths);
  return (path, servedByPage) => {
    if (known.has(path)) return path;
    if (!servedByPage()) return 'unmatched';
    return path.startsWith('/admin/') ? 'admin' : 'pages';
  };
}

/** Starts the metrics listener when metrics are on (METRICS_ADDR); `undefined` otherwise. */
export async function startMetricsListener(tessera: Tessera): Promise<MetricsListener | undefined> {
  if (tessera.metrics === undefined) return undefined;
  return listenForMetrics(tessera.metrics.registry, tessera.settings.METRICS_ADDR);
}
