/** What the numbers were measured on, for docs/benchmarks.md. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_DIR } from './servers.mjs';

function quiet(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO_DIR }).trim();
  } catch {
    return undefined;
  }
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(REPO_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

/** A snapshot of the machine and software versions; `loadBefore` is the 1-minute load average. */
export function describeMachine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
  const referenceVersions = quiet('/usr/bin/python3', [
    '-c',
    'from importlib.metadata import version as v; print(", ".join(f"{p} {v(p)}" for p in ["Django", "djangorestframework", "djangorestframework-simplejwt", "gunicorn"]))',
  ]);
  const commit = quiet('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = quiet('git', ['status', '--porcelain', '--', 'src']);
  return {
    nproc: availableParallelism(),
    model,
    memoryGb: (totalmem() / 1024 ** 3).toFixed(1),
    kernel: release(),
    node: process.version,
    // `wrk --version` prints its banner and exits 1, hence the shell.
    wrk: quiet('sh', ['-c', 'wrk --version 2>&1 | head -1'])?.replace(/ Copyright.*/, '') ?? 'unknown',
    reference: referenceVersions ?? 'unknown',
    peers: `fastify ${packageVersion('fastify')}, @fastify/jwt ${packageVersion('@fastify/jwt')} (fast-jwt ${packageVersion('fast-jwt')})`,
    tessera: process.env.BENCH_TESSERA_CLI
      ? `the build at ${process.env.BENCH_TESSERA_CLI} (BENCH_TESSERA_CLI), not this checkout's dist/`
      : commit
        ? `commit ${commit}${dirty ? ', with uncommitted changes in src/' : ''}`
        : 'unknown',
    loadBefore: loadavg()[0].toFixed(2),
  };
}
