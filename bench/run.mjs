#!/usr/bin/env node
/**
 * Tessera's benchmark suite (issues 4 and 20): the reference, Tessera, the Fastify +
 * @fastify/jwt peer and bare node:http, side by side on this machine, one table and the targets.
 * Servers pinned to one core and wrk to the other, a warm-up per server, rounds in which the
 * servers are measured back to back, ratios taken within a round and their median kept.
 *
 *   npm run bench                      full run (~10 minutes on 2 cores)
 *   npm run bench -- --quick           smoke test (~3 minutes)
 *   npm run bench -- --write-docs      also rewrite docs/benchmarks.md
 *   npm run bench -- --help            every option
 *
 * Progress goes to stderr, the tables to stdout.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { newestSourceMtime } from '../scripts/build-if-stale.mjs';
import { placement } from './lib/cpu.mjs';
import { describeMachine } from './lib/machine.mjs';
import { writeBenchmarksDoc } from './lib/docs.mjs';
import { measureMemory, measureStartup } from './lib/resources.mjs';
import { notes, latencyTable, renderText, resourceTable, summariseWorkload, targetTable, throughputTable } from './lib/report.mjs';
import { formatResult, measureWorkload } from './lib/rounds.mjs';
import {
  ALL_SERVERS,
  DEFAULT_SERVERS,
  VARIANT_SERVERS,
  REFERENCE_START,
  REPO_DIR,
  SERVER_LABELS,
  TESSERA_CLI,
  startServer,
} from './lib/servers.mjs';
import { randomSecret } from './lib/tokens.mjs';
import { WORKLOADS } from './lib/workloads.mjs';
import { ensureWrk } from './lib/wrk.mjs';

const USAGE = `Usage: npm run bench -- [options]

  --quick             short runs for a smoke test (2 s, 1 s warm-up, 2 rounds)
  --write-docs        rewrite docs/benchmarks.md with this run
  --rounds N          rounds per workload, servers back to back (default 5; median of ratios)
  --duration S        seconds per measured run (default 3)
  --warmup S          seconds of warm-up per server before the rounds (default 3)
  --connections N     wrk connections (default 32; wrk always uses 1 thread)
  --no-pin            do not pin (default: servers on --server-cpus, wrk on --load-cpus)
  --server-cpus LIST  taskset CPU list for the servers (default 0)
  --load-cpus LIST    taskset CPU list for wrk (default 1)
  --only LIST         comma-separated subset of: ${[...WORKLOADS.map((w) => w.id), 'memory', 'startup'].join(', ')}
  --servers LIST      comma-separated subset of: ${ALL_SERVERS.join(', ')}
                      (default: all but the variants: tessera-metrics, METRICS_ENABLED
                      (--only protected --servers tessera,tessera-metrics measures its cost),
                      and tessera-pg, Tessera on PostgreSQL (BENCH_POSTGRES_URL, default the
                      local server's tessera_bench database; --only refresh,rotation
                      --servers reference,tessera,tessera-pg))
  --build             run npm run build first even if dist/ exists
  REF_WORKERS=N       gunicorn workers for the reference (default 2)
  BENCH_TESSERA_WORKERS=N  tessera serve --workers N (default 1; for --no-pin runs where the
                      reference's workers use every core)
  BENCH_TESSERA_CLI=PATH  measure another build of Tessera (default dist/cli/main.js; not built)
  BENCH_BASE_CLI=PATH  the tessera-base variant: another build measured in the same rounds, for
                      a before/after ratio (--servers tessera,tessera-base)
  BENCH_REFERENCE_START=PATH  the reference's start.sh (default ../shared/reference/start.sh)
  BENCH_POSTGRES_URL=URL  PostgreSQL for tessera-pg (default postgres://postgres@127.0.0.1:5432/tessera_bench)`;

const log = (message) => process.stderr.write(`${message}\n`);

/** The workloads a pinned run measures a second time unpinned (issue 20's refresh targets). */
const UNPINNED_WORKLOADS = new Set(['refresh', 'rotation']);

/** `workload` measured unpinned, with `processes` processes for each server. */
function unpinnedTwin(workload, processes) {
  return { ...workload, id: `${workload.id}-unpinned`, title: `${workload.title}, unpinned, ${processes} processes each` };
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'write-docs': { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      'server-cpus': { type: 'string', default: '0' },
      'load-cpus': { type: 'string', default: '1' },
      only: { type: 'string' },
      servers: { type: 'string' },
      build: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const number = (name, fallback) => {
    if (values[name] === undefined) return fallback;
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} takes a number, not ${values[name]}`);
    return value;
  };
  const list = (name, allowed, fallback = allowed) => {
    if (values[name] === undefined) return fallback;
    const chosen = values[name]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = chosen.filter((item) => !allowed.includes(item));
    if (unknown.length) throw new Error(`--${name}: unknown ${unknown.join(', ')} (known: ${allowed.join(', ')})`);
    return chosen;
  };
  const quick = values.quick;
  return {
    quick,
    writeDocs: values['write-docs'],
    build: values.build,
    rounds: Math.max(1, Math.round(number('rounds', quick ? 2 : 5))),
    seconds: number('duration', quick ? 2 : 3),
    warmup: number('warmup', quick ? 1 : 3),
    cpus: placement({ pin: !values['no-pin'], serverCpus: values['server-cpus'], loadCpus: values['load-cpus'] }),
    connections: Math.max(1, Math.round(number('connections', 32))),
    memorySeconds: quick ? 2 : 5,
    startupRuns: quick ? 2 : 5,
    refWorkers: referenceWorkers(),
    only: list('only', [...WORKLOADS.map((w) => w.id), 'memory', 'startup']),
    servers: list('servers', ALL_SERVERS, DEFAULT_SERVERS),
  };
}

/** REF_WORKERS, checked: the issue asks for whichever of 2 to 5 is fastest (2 on 2 cores). */
function referenceWorkers() {
  const value = Number(process.env.REF_WORKERS ?? 2);
  if (!Number.isInteger(value) || value < 1) throw new Error(`REF_WORKERS must be a positive integer, not ${process.env.REF_WORKERS}`);
  return value;
}

/** Builds dist/ when it is missing (or when asked); returns false if Tessera cannot run. */
function ensureBuilt(force) {
  if (process.env.BENCH_TESSERA_CLI) return existsSync(TESSERA_CLI);
  if (force || !existsSync(TESSERA_CLI)) {
    log(force ? 'npm run build' : 'dist/ is missing: npm run build');
    const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0 || !existsSync(TESSERA_CLI)) {
      log('npm run build failed: Tessera will be left out of this run');
      return false;
    }
  } else if (newestSourceMtime(join(REPO_DIR, 'src')) > statSync(TESSERA_CLI).mtimeMs) {
    log('note: src/ has changes newer than dist/; pass --build to measure them');
  }
  return true;
}

const live = new Set();

async function stopAll() {
  await Promise.all([...live].map((server) => server.stop().catch(() => undefined)));
  live.clear();
}

async function main() {
  const options = parseOptions();
  const startedAt = new Date();
  const machine = describeMachine();
  ensureWrk(log);
  const problems = [];
  const unavailable = new Set();
  if (options.servers.some((server) => server.startsWith('tessera')) && !ensureBuilt(options.build)) {
    unavailable.add('tessera');
    unavailable.add('tessera-metrics');
    unavailable.add('tessera-pg');
    unavailable.add('tessera-base');
    problems.push(`Tessera: ${TESSERA_CLI} could not be built.`);
  }
  if (options.servers.includes('reference') && !existsSync(REFERENCE_START)) {
    unavailable.add('reference');
    problems.push(`reference: ${REFERENCE_START} not found (BENCH_REFERENCE_START names another).`);
  }
  const servers = options.servers.filter((server) => !unavailable.has(server));
  const secret = randomSecret(64);
  const load = { secret, refWorkers: options.refWorkers, cpus: options.cpus.server };
  const startLive = async (kind, extra = {}) => {
    const server = await startServer(kind, { ...load, ...extra });
    live.add(server);
    return server;
  };
  const stopLive = async (server) => {
    live.delete(server);
    await server.stop();
  };

  /** workload id -> summary (per-server medians, per-round ratios) */
  const summaries = {};
  const workloads = WORKLOADS.filter((w) => options.only.includes(w.id));
  for (const workload of workloads) {
    const kinds = servers.filter((server) => workload.servers.includes(server));
    const rounds = await measureWorkload(workload, kinds, {
      rounds: options.rounds,
      seconds: options.seconds,
      warmup: options.warmup,
      connections: options.connections,
      loadCpus: options.cpus.load,
      start: startLive,
      stop: stopLive,
      log: (message) => log(message.replace(/\] ([\w-]+)/, (_, kind) => `] ${SERVER_LABELS[kind] ?? kind}`)),
      problem: (message) => problems.push(message),
    });
    summaries[workload.id] = summariseWorkload(rounds);
  }

  // Issue 20 states the refresh targets unpinned: the reference's gunicorn workers and Tessera
  // each on every core, with as many processes (`tessera serve --workers`), wrk beside them. A
  // pinned run measures those two workloads again that way, in the same run.
  const unpinnedKinds = servers.filter((server) => server === 'reference' || server === 'tessera');
  if (options.cpus.server !== undefined && unpinnedKinds.length === 2) {
    for (const workload of workloads.filter((w) => UNPINNED_WORKLOADS.has(w.id))) {
      const twin = unpinnedTwin(workload, options.refWorkers);
      const rounds = await measureWorkload(twin, unpinnedKinds, {
        rounds: options.rounds,
        seconds: options.seconds,
        warmup: options.warmup,
        connections: options.connections,
        loadCpus: undefined,
        start: (kind, extra) => startLive(kind, { ...extra, cpus: undefined, tesseraWorkers: options.refWorkers }),
        stop: stopLive,
        log: (message) => log(message.replace(/\] ([\w-]+)/, (_, kind) => `] ${SERVER_LABELS[kind] ?? kind}`)),
        problem: (message) => problems.push(message),
      });
      summaries[twin.id] = summariseWorkload(rounds);
      workloads.push(twin);
    }
  }

  const memory = {};
  if (options.only.includes('memory')) {
    for (const kind of servers) {
      try {
        const server = await startLive(kind);
        try {
          memory[kind] = await measureMemory(server, { seconds: options.memorySeconds, loadCpus: options.cpus.load });
        } finally {
          await stopLive(server);
        }
        log(
          `[memory] ${SERVER_LABELS[kind]}: idle ${(memory[kind].idleBytes / 1048576).toFixed(1)} MB, peak ${(memory[kind].peakBytes / 1048576).toFixed(1)} MB at 256 connections (${formatResult(memory[kind].load)})`,
        );
      } catch (error) {
        log(`[memory] ${SERVER_LABELS[kind]}: FAILED ${error.message}`);
        problems.push(`Memory, ${SERVER_LABELS[kind]}: ${error.message.split('\n')[0]}`);
      }
    }
  }

  let startup;
  const startupKinds = servers.filter((server) => server !== 'reference' && !VARIANT_SERVERS.has(server));
  if (options.only.includes('startup') && startupKinds.length) {
    try {
      startup = await measureStartup({ secret, runs: options.startupRuns, kinds: startupKinds, cpus: options.cpus.server });
      for (const [kind, times] of Object.entries(startup))
        log(`[startup] ${SERVER_LABELS[kind]}: ${times.map((ms) => `${Math.round(ms)} ms`).join(', ')}`);
    } catch (error) {
      log(`[startup] FAILED ${error.message}`);
      problems.push(`Start-up: ${error.message.split('\n')[0]}`);
    }
  }

  const throughput = throughputTable(workloads, summaries, servers);
  const latency = latencyTable(workloads, summaries, servers);
  const resources = resourceTable(memory, startup, servers);
  const titles = Object.fromEntries(WORKLOADS.map((w) => [w.id, w.title]));
  for (const workload of workloads) titles[workload.id] = workload.title;
  const targets = targetTable(summaries, titles, memory, startup?.tessera, { pinned: options.cpus.server !== undefined });
  const noteLines = notes(workloads, summaries);
  const placementLine =
    options.cpus.server === undefined
      ? 'unpinned (servers and wrk share every CPU)'
      : `servers pinned to CPU ${options.cpus.server}, wrk to CPU ${options.cpus.load}`;

  const out = [
    '',
    `Tessera benchmarks: ${machine.nproc} CPUs, ${machine.model}, Node ${machine.node}; ${placementLine}; wrk -t1 -c${options.connections} -d${options.seconds}s, ${options.warmup} s warm-up per server, ${options.rounds} round(s), ratios per round, medians`,
    `1-minute load average before the run: ${machine.loadBefore}, after: ${loadavg()[0].toFixed(2)}${Number(machine.loadBefore) > 1.5 ? ' (the machine was busy: figures are noisy)' : ''}`,
    ...(throughput.rows.length ? ['', renderText(throughput), '', renderText(latency)] : []),
    ...(noteLines.length ? ['', ...noteLines] : []),
    ...(resources.rows.length ? ['', renderText(resources)] : []),
    '',
    renderText(targets),
    ...(problems.length ? ['', 'Not measured:', ...problems.map((p) => `- ${p}`)] : []),
    '',
  ];
  process.stdout.write(out.join('\n'));

  if (options.writeDocs) {
    const args = process.argv.slice(2).join(' ');
    const command =
      process.env.npm_lifecycle_event === 'bench'
        ? `npm run bench${args ? ` -- ${args}` : ''}`
        : `node bench/run.mjs${args ? ` ${args}` : ''}`;
    const path = writeBenchmarksDoc({
      machine,
      command,
      date: startedAt.toISOString().replace(/\.\d+Z$/, 'Z'),
      minutes: Math.round((Date.now() - startedAt.getTime()) / 60_000),
      loadAfter: loadavg()[0].toFixed(2),
      settings: options,
      placement: placementLine,
      throughput,
      latency,
      resources,
      targets,
      notes: noteLines,
      problems,
    });
    log(`wrote ${path}`);
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers this bench started`);
    stopAll().finally(() => process.exit(130));
  });
}

main().catch(async (error) => {
  log(error.stack ?? String(error));
  await stopAll();
  process.exit(1);
});
