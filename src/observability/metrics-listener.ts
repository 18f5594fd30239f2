/**
 * The metrics endpoint on a listener of its own (METRICS_ADDR, loopback by default), never on
 * the API's port: `/metrics` tells an attacker which accounts are under attack and how the
 * server is doing, so it must take a deliberate setting to expose it beyond the machine.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseListenAddress } from './listen-address.js';

/** What the listener serves: a prom-client registry, or anything that renders like one (the cluster aggregator). */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsListener {
  /** Where it listens (the real port when METRICS_ADDR asked for port 0). */
  readonly address: AddressInfo;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text format) and nothing else: any other path is a 404,
 * any other method a 405. Resolves once listening.
 *
 * @example
 * ```ts
 * const listener = await listenForMetrics(metrics.registry, '127.0.0.1:9464');
 * // curl http://127.0.0.1:9464/metrics
 * ```
 */
export async function listenForMetrics(registry: MetricsSource, address: string): Promise<MetricsListener> {
  const where = parseListenAddress(address);
  if (where === undefined) throw new TypeError(`not a host:port address: ${address}`);
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?', 1)[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found. Metrics are at /metrics.\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Method not allowed.\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? '' : text);
      },
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics could not be collected.\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
