/**
 * Metrics with `serve --workers N`: each worker counts in its own registry, and the primary
 * serves METRICS_ADDR with the sum, asking every worker over the cluster's IPC channel
 * (prom-client's AggregatorRegistry). One scrape, the whole instance; no worker binds the port.
 */
import { AggregatorRegistry } from 'prom-client';
import { listenForMetrics, type MetricsListener } from '../observability/metrics-listener.js';
import type { Tessera } from '../app/tessera.js';

/** In the primary: serves the workers' metrics, summed, on `address`. */
export async function startClusterMetricsListener(address: string): Promise<MetricsListener> {
  const aggregator = new AggregatorRegistry();
  return listenForMetrics({ metrics: () => aggregator.clusterMetrics(), contentType: aggregator.contentType }, address);
}

/** In a worker: answers the primary's requests with this Tessera's registry. */
export function shareWorkerMetrics(tessera: Tessera): void {
  if (tessera.metrics === undefined) return;
  // Constructing one is what makes prom-client answer the primary's requests in this worker.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([tessera.metrics.registry]);
}
