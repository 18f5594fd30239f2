import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { loadSettings } from '../../config/load-settings.js';
import { joinWorkerCacheGroup, runPrimary } from '../../server/cluster.js';
import { createServer } from '../../server/create-server.js';
import { openStore } from '../../stores/open-store.js';
import { createTessera } from '../../app/tessera.js';
import { createPinoLogger, tesseraLoggerOf } from '../../observability/log.js';
import { startMetricsListener } from '../../server/server-observability.js';
import { contextOf } from '../../app/tessera-context.js';

function port(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 0 || number > 65535) throw new InvalidArgumentError('a port is a number from 0 to 65535');
  return number;
}

/** `--workers N`, or `auto` for one per core. */
function workers(value: string): number {
  if (value === 'auto') return availableParallelism();
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || number > 256) throw new InvalidArgumentError('workers is a number from 1 to 256, or auto');
  return number;
}

/**
 * prom-client's cluster aggregation, loaded only with metrics on: importing prom-client was ~6% of
 * start-up's CPU when nothing used it (docs/decisions.md D21).
 */
const clusterMetrics = () => import('../../server/cluster-metrics.js');

interface ServeOptions {
  host: string;
  port: number;
  workers: number;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('Apply migrations and serve the API.')
    .option('--host <host>', 'address to listen on (default: $HOST, else 127.0.0.1)', process.env.HOST ?? '127.0.0.1')
    .option(
      '--port <port>',
      'port to listen on (default: $PORT, else 8000)',
      port,
      process.env.PORT === undefined ? 8000 : port(process.env.PORT),
    )
    .option('--workers <n>', 'worker processes sharing the port (a number, or auto: one per core)', workers, 1)
    .action(async (options: ServeOptions) => {
      if (options.workers > 1 && cluster.isPrimary) {
        // Migrate once, before any worker starts; then workers skip straight to serving.
        const { settings, warnings } = loadSettings();
        const log = tesseraLoggerOf(createPinoLogger({ level: settings.LOG_LEVEL, format: settings.LOG_FORMAT }));
        for (const warning of warnings) log.warn(warning);
        const store = await openStore(settings.DATABASE_URL);
        await store.migrate();
        await store.close();
        // One /metrics for the instance: the primary sums its workers' registries.
        if (settings.METRICS_ENABLED) await (await clusterMetrics()).startClusterMetricsListener(settings.METRICS_ADDR);
        runPrimary(options.workers, log);
        return;
      }
      await serveOne(options);
    });
}

async function serveOne(options: ServeOptions): Promise<void> {
  const { settings } = loadSettings();
  const pino = createPinoLogger({ level: settings.LOG_LEVEL, format: settings.LOG_FORMAT });
  // Workers stay quiet about start-up warnings: the primary has said them once.
  const tessera = await createTessera({ logger: tesseraLoggerOf(pino), reportWarnings: cluster.isPrimary });
  joinWorkerCacheGroup(contextOf(tessera).store);
  const app = createServer(tessera, { logger: pino });
  if (cluster.isWorker && tessera.metrics !== undefined) (await clusterMetrics()).shareWorkerMetrics(tessera);
  const metricsListener = cluster.isPrimary ? await startMetricsListener(tessera) : undefined;
  const shutdown = async (): Promise<void> => {
    await metricsListener?.close();
    await app.close();
    await tessera.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  await app.listen({ host: options.host, port: options.port });
  if (metricsListener !== undefined) app.log.info({ metrics_addr: settings.METRICS_ADDR }, 'metrics listening');
}
