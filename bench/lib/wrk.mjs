/**
 * wrk, the load generator: why wrk and not autocannon. wrk is C with one epoll loop per thread,
 * so on a 2-core machine it leaves the servers most of the CPU (autocannon is JavaScript and
 * would take a larger, varying share of the same cores), its latency histogram is exact to the
 * microsecond, and its Lua hooks let the rotation workload chain refresh tokens per response.
 * It is one Debian package; `ensureWrk()` installs it when missing and we are root.
 */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { groupCpuSeconds, pinned } from './cpu.mjs';

export const LUA_DIR = join(dirname(dirname(fileURLToPath(import.meta.url))), 'lua');

function hasWrk() {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** Makes sure `wrk` is on PATH: installs the Debian package as root, else explains and throws. */
export function ensureWrk(log) {
  if (hasWrk()) return;
  if (process.getuid?.() !== 0) {
    throw new Error('wrk is not installed and this is not root: install the Debian package `wrk` (apt-get install wrk) and run again');
  }
  log('wrk is missing: apt-get install -y wrk');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = spawnSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'inherit', env });
  if (result.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    result = spawnSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'inherit', env });
  }
  if (result.status !== 0 || !hasWrk()) throw new Error('apt-get install wrk failed');
}

/**
 * @typedef {object} WrkResult
 * @property {number} requests     responses received
 * @property {number} seconds      measured duration
 * @property {number} rps          successful (2xx/3xx) responses per second
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} maxMs
 * @property {number} non2xx       responses with status >= 400
 * @property {number} socketErrors connect + read + write + timeout errors
 * @property {number|undefined} cpuUsPerRequest  CPU time (user + system, whole process group
 *   of the server) per response while wrk ran; only when `pgid` was given
 */

/**
 * Runs wrk once against `url` with one of bench/lua/*.lua; `env` reaches the script. `cpus`
 * pins wrk (taskset -c); `pgid` names the server's process group, whose CPU time over the run
 * becomes `cpuUsPerRequest`.
 * @returns {Promise<WrkResult>}
 */
export async function runWrk({ url, script, env = {}, connections, threads = 1, seconds, timeoutSeconds = 30, cpus, pgid }) {
  const cpuBefore = pgid === undefined ? undefined : groupCpuSeconds(pgid);
  const result = await spawnWrk({ url, script, env, connections, threads, seconds, timeoutSeconds, cpus });
  if (cpuBefore !== undefined && result.requests > 0) {
    result.cpuUsPerRequest = ((groupCpuSeconds(pgid) - cpuBefore) * 1e6) / result.requests;
  }
  return result;
}

function spawnWrk({ url, script, env, connections, threads, seconds, timeoutSeconds, cpus }) {
  const args = [
    '-t',
    String(threads),
    '-c',
    String(connections),
    '-d',
    `${seconds}s`,
    '--timeout',
    `${timeoutSeconds}s`,
    '-s',
    join(LUA_DIR, script),
    url,
  ];
  const [command, commandArgs] = pinned(cpus, 'wrk', args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      env: { ...process.env, BENCH_LUA_DIR: LUA_DIR, BENCH_THREADS: String(threads), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
      if (code !== 0 || !line) {
        reject(new Error(`wrk ${args.join(' ')} exited ${code}:\n${stdout}${stderr}`));
        return;
      }
      const raw = JSON.parse(line.slice('BENCH_JSON '.length));
      const seconds = raw.duration_us / 1e6;
      resolve({
        requests: raw.requests,
        seconds,
        rps: (raw.requests - raw.status) / seconds,
        p50Ms: raw.p50_us / 1000,
        p99Ms: raw.p99_us / 1000,
        maxMs: raw.max_us / 1000,
        non2xx: raw.status,
        socketErrors: raw.connect + raw.read + raw.write + raw.timeout,
      });
    });
  });
}
