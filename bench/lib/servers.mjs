/**
 * The four servers the bench compares, each started on loopback in its own process group so
 * that stopping it stops all of it (gunicorn's workers included), and one at a time.
 *
 * - reference: ../shared/reference/start.sh (Django + DRF + simplejwt on gunicorn, SQLite);
 * - tessera: the bundled server as production runs it (`NODE_ENV=production`, a real secret,
 *   SQLite, `migrate` + `createsuperuser` first, then `serve`);
 * - fastify: the peer, Fastify 5 + @fastify/jwt (bench/peers/fastify-jwt.mjs);
 * - bare: the limit, `node:http` + one HMAC (bench/peers/bare-node.mjs);
 * - tessera-pg (only when asked for): Tessera as above on PostgreSQL (BENCH_POSTGRES_URL, by
 *   default the local server's `tessera_bench` database, created when missing; a fresh schema
 *   per start, dropped at stop).
 */
import { spawn, execFile } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pinned } from './cpu.mjs';
import { freePort, groupPids, stopGroup, waitFor } from './processes.mjs';
import { freshPostgresSchema } from './postgres.mjs';
import { PASSWORD, USERNAME, accessTokensByRefresh, login, mintAccessToken } from './tokens.mjs';

const execFileAsync = promisify(execFile);
const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = dirname(BENCH_DIR);
/** Tessera's CLI; BENCH_TESSERA_CLI points at another build (say, a before/after comparison). */
export const TESSERA_CLI = process.env.BENCH_TESSERA_CLI ?? join(REPO_DIR, 'dist', 'cli', 'main.js');
/**
 * The `tessera-base` variant's CLI (BENCH_BASE_CLI, say main's build): a before/after pair
 * measured in the same rounds, each ratio Tessera / base taken within a round.
 */
export const BASE_CLI = process.env.BENCH_BASE_CLI;
/**
 * The reference's start script: shared/reference/start.sh beside the checkout, or beside one of
 * its parents (a worktree under /work/wt/NAME finds /work/shared).
 */
export const REFERENCE_START = process.env.BENCH_REFERENCE_START ?? findReferenceStart();

function findReferenceStart() {
  const candidates = [];
  for (let dir = dirname(REPO_DIR); ; dir = dirname(dir)) {
    candidates.push(join(dir, 'shared', 'reference', 'start.sh'));
    if (dirname(dir) === dir) break;
  }
  return candidates.find((path) => existsSync(path)) ?? candidates[0];
}

/** Display names, in the table's column order. */
export const SERVER_LABELS = {
  reference: 'reference',
  tessera: 'Tessera',
  'tessera-metrics': 'Tessera, metrics on',
  'tessera-pg': 'Tessera, PostgreSQL',
  'tessera-base': 'Tessera, BENCH_BASE_CLI build',
  fastify: 'Fastify+@fastify/jwt',
  bare: 'bare node:http',
};
export const ALL_SERVERS = Object.keys(SERVER_LABELS);
/**
 * Variants measured only when asked for (`--servers tessera,tessera-metrics`): Tessera with
 * METRICS_ENABLED (issue 18's budget: under 5% of GET /protected/ throughput).
 */
export const VARIANT_SERVERS = new Set(['tessera-metrics', 'tessera-pg', 'tessera-base']);
/** The servers a run measures unless `--servers` says otherwise. */
export const DEFAULT_SERVERS = ALL_SERVERS.filter((kind) => !VARIANT_SERVERS.has(kind));

/** The peers' scripts in bench/peers/. */
const PEER_FILES = { fastify: 'fastify-jwt.mjs', bare: 'bare-node.mjs' };

/** Servers with users, a login and refresh tokens; the peers only verify tokens. */
export const SERVERS_WITH_USERS = new Set(['reference', 'tessera', 'tessera-pg', 'tessera-base']);

/**
 * @typedef {object} RunningServer
 * @property {string} kind            one of ALL_SERVERS
 * @property {string} baseUrl         http://127.0.0.1:PORT
 * @property {number} pgid            process group (and pid of its leader)
 * @property {() => Promise<string>} accessToken  a valid access token for user 1
 * @property {(count: number) => Promise<string[]>} accessTokens  `count` distinct valid access
 *   tokens for user 1 (from the server's own refresh endpoint when it has one)
 * @property {() => Promise<void>} stop
 */

/**
 * Starts one server; `rotate` turns on refresh rotation + blacklist-after-rotation where the
 * server has refresh tokens. `secret` is the HMAC secret every server of the run shares; `cpus`
 * pins the server (taskset -c; all its processes and threads inherit it).
 * @returns {Promise<RunningServer>}
 */
export async function startServer(kind, { secret, rotate = false, refWorkers = 2, nodeArgs = [], cpus, tesseraWorkers }) {
  switch (kind) {
    case 'reference':
      return startReference({ secret, rotate, refWorkers, cpus });
    case 'tessera':
    case 'tessera-metrics':
    case 'tessera-pg':
    case 'tessera-base': {
      // The variant serves /metrics on a listener of its own, as production would (nobody scrapes it here).
      const extraEnv =
        kind === 'tessera-metrics' ? { TESSERA_METRICS_ENABLED: 'true', TESSERA_METRICS_ADDR: `127.0.0.1:${await freePort()}` } : {};
      if (kind === 'tessera-base' && BASE_CLI === undefined)
        throw new Error('tessera-base: set BENCH_BASE_CLI to the build to compare with');
      const cli = kind === 'tessera-base' ? BASE_CLI : TESSERA_CLI;
      const prepared = await prepareTessera({ secret, rotate, extraEnv, postgres: kind === 'tessera-pg', cli });
      try {
        const server = await spawnTesseraServe(prepared, { nodeArgs, cpus, workers: tesseraWorkers });
        return {
          ...server,
          stop: async () => {
            await server.stop();
            await prepared.remove();
          },
        };
      } catch (error) {
        await prepared.remove();
        throw error;
      }
    }
    case 'fastify':
    case 'bare':
      return startPeer(kind, PEER_FILES[kind], secret, { cpus });
    default:
      throw new Error(`unknown server ${kind}`);
  }
}

/** Environment for Tessera without any TESSERA_* the caller's shell happens to carry. */
function tesseraEnv(extra) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TESSERA_')) env[name] = value;
  return { ...env, NODE_ENV: 'production', ...extra };
}

/**
 * A fresh Tessera database, migrated, with the bench superuser: what `serve` needs. The
 * working directory is the temporary one, so no `tessera.config.json` from the repo is read.
 */
export async function prepareTessera({ secret, rotate = false, extraEnv = {}, postgres = false, cli = TESSERA_CLI }) {
  if (!existsSync(cli)) throw new Error(`${cli} is missing; run npm run build`);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const database = postgres ? await freshPostgresSchema() : undefined;
  const env = tesseraEnv({
    TESSERA_SECRET_KEY: secret,
    TESSERA_DATABASE_URL: database?.url ?? `sqlite:${join(dir, 'db.sqlite3')}`,
    // All bench traffic comes from one address: the per-address bound on waiting password
    // checks (4 by default) would turn 8 concurrent logins into 503s. The reference has no
    // such bound; the total bound (HASH_QUEUE_LIMIT, 64) still holds.
    TESSERA_HASH_QUEUE_PER_CLIENT: '64',
    // Same reason: the failed-login throttle per account and address reserves a place for each
    // login in flight (5), so 8 concurrent good logins of the bench user would meet 429s.
    TESSERA_THROTTLE_LOGIN_ACCOUNT_ADDRESS: 'off',
    // As in production: the development request log (one line per request, on when NODE_ENV is
    // not production) is not what a deployment pays for.
    TESSERA_LOG_REQUESTS: 'false',
    ...(rotate ? { TESSERA_ROTATE_REFRESH_TOKENS: 'true', TESSERA_BLACKLIST_AFTER_ROTATION: 'true' } : {}),
    ...extraEnv,
  });
  const remove = async () => {
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  };
  try {
    await execFileAsync(process.execPath, [cli, 'migrate'], { env, cwd: dir });
    await execFileAsync(
      process.execPath,
      [cli, 'createsuperuser', '--username', USERNAME, '--email', `${USERNAME}@example.com`, '--no-input'],
      { env: { ...env, TESSERA_SUPERUSER_PASSWORD: PASSWORD }, cwd: dir },
    );
  } catch (error) {
    await remove();
    throw new Error(`preparing Tessera failed: ${error.stderr || error.message}`);
  }
  return { dir, env, secret, remove, cli, kind: postgres ? 'tessera-pg' : cli === TESSERA_CLI ? 'tessera' : 'tessera-base' };
}

/**
 * Spawns `tessera serve` on a prepared database; resolves once the port answers, with
 * `spawnedAt` (performance.now() just before spawn) so callers can time the start-up.
 */
export async function spawnTesseraServe(
  prepared,
  { nodeArgs = [], ready = 'any', cpus, workers = process.env.BENCH_TESSERA_WORKERS } = {},
) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logPath = join(prepared.dir, `serve-${port}.log`);
  const log = openSync(logPath, 'a');
  const spawnedAt = performance.now();
  const [command, args] = pinned(cpus, process.execPath, [
    ...nodeArgs,
    prepared.cli ?? TESSERA_CLI,
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    // Unpinned runs give Tessera the reference's number of processes (gunicorn's workers).
    ...(workers ? ['--workers', String(workers)] : []),
  ]);
  const child = spawn(command, args, {
    env: prepared.env,
    cwd: prepared.dir,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const server = nodeServer(
    prepared.kind ?? 'tessera',
    child,
    baseUrl,
    logPath,
    async () => (await login(baseUrl)).access,
    (count) => accessTokensByRefresh(baseUrl, count),
  );
  if (ready === 'any') await server.ready();
  return { ...server, spawnedAt };
}

/**
 * Starts a peer (`fastify` or `bare`); with `ready: 'none'` it resolves right after spawn, with
 * `spawnedAt` (performance.now() just before spawn) so callers can time the start-up.
 */
export async function startPeer(kind, file = PEER_FILES[kind], secret, { ready = 'any', cpus } = {}) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
  const logPath = join(dir, 'log');
  const log = openSync(logPath, 'a');
  const spawnedAt = performance.now();
  const [command, args] = pinned(cpus, process.execPath, [join(BENCH_DIR, 'peers', file), String(port)]);
  const child = spawn(command, args, {
    env: { ...process.env, NODE_ENV: 'production', BENCH_SECRET: secret },
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const server = nodeServer(
    kind,
    child,
    baseUrl,
    logPath,
    async () => mintAccessToken(secret),
    async (count) => Array.from({ length: count }, () => mintAccessToken(secret)),
  );
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  if (ready === 'any') {
    try {
      await server.ready();
    } finally {
      if (server.isDead()) rmSync(dir, { recursive: true, force: true });
    }
  }
  return { ...server, spawnedAt, stop };
}

/** The common shape of a Node server we spawned as the leader of its own process group. */
function nodeServer(kind, child, baseUrl, logPath, accessToken, accessTokens) {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const tail = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8').slice(-2000) : '');
  return {
    kind,
    baseUrl,
    pgid: child.pid,
    accessToken,
    accessTokens,
    isDead: () => exited,
    async ready() {
      try {
        await waitFor(`${baseUrl}/protected/`, { isDead: () => exited, intervalMs: 5 });
      } catch (error) {
        await stopGroup(child.pid);
        const lastLine = tail().trim().split('\n').pop() ?? '';
        throw new Error(`${SERVER_LABELS[kind]} did not start (${lastLine.slice(0, 200)}): ${error.message}\n${tail()}`);
      }
    },
    stop: () => stopGroup(child.pid),
  };
}

async function startReference({ secret, rotate, refWorkers, cpus }) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const [command, args] = pinned(cpus, 'bash', [REFERENCE_START, String(port), ...(rotate ? ['--rotate'] : [])]);
  const { stdout } = await execFileAsync(command, args, {
    env: { ...process.env, REF_WORKERS: String(refWorkers), REF_SECRET_KEY: secret },
  });
  const pid = Number(stdout.trim().split('\n').pop());
  if (!Number.isInteger(pid) || groupPids(pid).length === 0)
    throw new Error(`the reference did not start (start.sh printed ${JSON.stringify(stdout)})`);
  // start.sh keeps the database, pid file and log in a temporary directory named on the
  // gunicorn command line (-p DIR/pid); it is removed with the server.
  const stateDir = referenceStateDir(pid);
  const stop = async () => {
    await stopGroup(pid);
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${baseUrl}/hello/`);
  } catch (error) {
    await stop();
    throw new Error(`the reference did not answer: ${error.message}`);
  }
  return {
    kind: 'reference',
    baseUrl,
    pgid: pid,
    accessToken: async () => (await login(baseUrl)).access,
    accessTokens: (count) => accessTokensByRefresh(baseUrl, count),
    isDead: () => groupPids(pid).length === 0,
    stop,
  };
}

function referenceStateDir(pid) {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const pidFile = args[args.indexOf('-p') + 1];
    const dir = pidFile ? dirname(pidFile) : '';
    return /^\/tmp\/reference-[A-Za-z0-9]+$/.test(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}
