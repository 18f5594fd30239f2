#!/usr/bin/env node
/**
 * Profiles Tessera's bundled server under one bench workload: starts it with `--cpu-prof`,
 * drives the workload with wrk, stops it (so V8 writes the profile) and prints where the CPU
 * went. The .cpuprofile is kept for a flame graph (open it in Chrome DevTools or speedscope).
 *
 *   node bench/profile.mjs [WORKLOAD] [--duration S] [--out DIR] [--server tessera-pg]
 *   WORKLOAD: protected (default), verify, refresh, rotation, login
 *   --server tessera-pg: Tessera on PostgreSQL (see bench/lib/postgres.mjs); the profile is
 *   Tessera's process only, PostgreSQL's own CPU is not in it
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { summariseCpuProfile } from './lib/cpuprofile.mjs';
import { startServer } from './lib/servers.mjs';
import { randomSecret } from './lib/tokens.mjs';
import { WORKLOADS } from './lib/workloads.mjs';
import { ensureWrk } from './lib/wrk.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: '8' },
    out: { type: 'string' },
    top: { type: 'string', default: '25' },
    server: { type: 'string', default: 'tessera' },
  },
});
const workload = WORKLOADS.find((w) => w.id === (positionals[0] ?? 'protected'));
if (values.server !== 'tessera' && values.server !== 'tessera-pg') throw new Error(`--server: tessera or tessera-pg, not ${values.server}`);
if (!workload || !workload.servers.includes(values.server))
  throw new Error(`unknown workload ${positionals[0]}; known: ${WORKLOADS.map((w) => w.id).join(', ')}`);
ensureWrk((m) => process.stderr.write(`${m}\n`));

const out = resolve(values.out ?? join('/tmp', `tessera-profile-${Date.now()}`));
mkdirSync(out, { recursive: true });
const server = await startServer(values.server, {
  secret: randomSecret(64),
  rotate: workload.rotate,
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${out}`],
});
let result;
try {
  const plan = await workload.prepare(server, { connections: 32, runs: 2 });
  await plan.run(2, { warmup: true });
  result = await plan.run(Number(values.duration));
  plan.cleanup?.();
} finally {
  await server.stop();
}
const file = readdirSync(out)
  .filter((name) => name.endsWith('.cpuprofile'))
  .map((name) => join(out, name))[0];
if (!file) throw new Error(`no profile in ${out}: did the server exit on SIGTERM?`);
// The last (duration - 0.5) s: the measured run only, less the server's stop.
const summary = summariseCpuProfile(file, { lastSeconds: Math.max(1, Number(values.duration) - 0.5) });
const top = Number(values.top);
const pct = (share) => `${share.toFixed(1).padStart(5)}%`;
process.stdout.write(
  [
    `${workload.title}: ${Math.round(result.rps)} req/s, p99 ${result.p99Ms.toFixed(2)} ms, ${result.cpuUsPerRequest?.toFixed(1)} µs CPU/request (profiling slows it down)`,
    `profile: ${file}`,
    '',
    'Self time:',
    ...summary.self.slice(0, top).map(([name, share]) => `${pct(share)}  ${name}`),
    '',
    'Inclusive time by area:',
    ...summary.inclusive.slice(0, top).map(([name, share]) => `${pct(share)}  ${name}`),
    '',
    'Inclusive time by function (Tessera and its packages):',
    ...summary.inclusiveByFunction
      .filter(([name]) => !/ node:| \(/.test(name))
      .slice(0, top)
      .map(([name, share]) => `${pct(share)}  ${name}`),
    '',
  ].join('\n'),
);
