/**
 * The workloads. Each one checks, before any load, that the server answers it the way the
 * reference does (so a fast 401 is never measured as a fast 200), then returns `run(seconds)`,
 * which drives wrk once and resolves to a WrkResult (plus extras for the mixed workload).
 * `load` carries the wrk connections, the CPUs wrk is pinned to, and how many runs will follow
 * (the rotation workload mints its token pools before the first run, so that the servers of a
 * round are measured back to back with nothing in between).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probe } from './processes.mjs';
import { ALL_SERVERS, SERVERS_WITH_USERS } from './servers.mjs';
import { LOGIN_BODY, login, mintRefreshPool } from './tokens.mjs';
import { runWrk } from './wrk.mjs';

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * Connections for login load. Logins are CPU-bound (a password hash each): 8 keep every
 * gunicorn worker (2-5) and libuv's 4 hashing threads busy, while 32 would only lengthen the
 * queue (at the reference's ~20 logins/s, 1.6 s of waiting per request) and leave a short run
 * with no completed request to count.
 */
export const LOGIN_CONNECTIONS = 8;
/** Seconds a login run needs at least, so that even a slow server completes enough logins. */
const LOGIN_MIN_SECONDS = 5;
/** Distinct tokens of the many-token workload: more than any one-token cache would hold. */
export const MANY_TOKENS = 1000;
const WITH_USERS = [...SERVERS_WITH_USERS];

async function expect(description, responsePromise, check) {
  const response = await responsePromise;
  let ok = false;
  try {
    ok = response !== undefined && check(response);
  } catch {
    // A body that is not the JSON expected fails the check like a wrong status does.
  }
  if (!ok) {
    throw new Error(`preflight failed: ${description} answered ${response?.status} ${response?.body?.slice(0, 300)}`);
  }
  return response;
}

/** The protected route answers `token` with its 200 body. */
const expectProtected = (server, token) =>
  expect(
    'GET /protected/',
    probe(`${server.baseUrl}/protected/`, { headers: { authorization: `Bearer ${token}` } }),
    (r) => r.status === 200 && JSON.parse(r.body).content === 'This view is protected',
  );

const post = (url, body) => probe(url, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });

/**
 * @typedef {object} Workload
 * @property {string} id
 * @property {string} title
 * @property {string[]} servers   which servers take part
 * @property {boolean} rotate     servers run with rotation + blacklist-after-rotation
 * @property {(server: import('./servers.mjs').RunningServer, load: Load) =>
 *   Promise<{ run: (seconds: number, options?: {warmup?: boolean}) => Promise<object>, cleanup?: () => void }>} prepare
 */

/**
 * @typedef {object} Load
 * @property {number} connections  wrk connections
 * @property {string|undefined} cpus  CPUs wrk is pinned to
 * @property {number} runs  wrk runs that will follow (warm-up included)
 */

/** wrk options every workload passes: pinning, and the server whose CPU time is counted. */
const wrkOn = (server, load) => ({ connections: load.connections, cpus: load.cpus, pgid: server.pgid });

/** @type {Workload[]} */
export const WORKLOADS = [
  {
    id: 'protected',
    title: 'GET /protected/, one token',
    servers: ALL_SERVERS,
    rotate: false,
    async prepare(server, load) {
      const token = await server.accessToken();
      await expectProtected(server, token);
      return {
        run: (seconds) =>
          runWrk({
            url: `${server.baseUrl}/protected/`,
            script: 'get-bearer.lua',
            env: { BENCH_TOKEN: token },
            seconds,
            ...wrkOn(server, load),
          }),
      };
    },
  },
  {
    id: 'protected-many',
    title: `GET /protected/, ${MANY_TOKENS.toLocaleString('en-US')} tokens`,
    servers: ALL_SERVERS,
    rotate: false,
    async prepare(server, load) {
      const tokens = await server.accessTokens(MANY_TOKENS);
      await expectProtected(server, tokens[0]);
      await expectProtected(server, tokens[tokens.length - 1]);
      const dir = mkdtempSync(join(tmpdir(), 'bench-tokens-'));
      const file = join(dir, 'tokens');
      writeFileSync(file, `${tokens.join('\n')}\n`);
      return {
        run: (seconds) =>
          runWrk({
            url: `${server.baseUrl}/protected/`,
            script: 'get-many.lua',
            env: { BENCH_TOKENS_FILE: file },
            seconds,
            ...wrkOn(server, load),
          }),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    id: 'verify',
    title: 'POST /api/token/verify/ (JSON body)',
    servers: ALL_SERVERS,
    rotate: false,
    async prepare(server, load) {
      const token = await server.accessToken();
      const url = `${server.baseUrl}/api/token/verify/`;
      await expect('POST /api/token/verify/', post(url, { token }), (r) => r.status === 200 && r.body === '{}');
      return {
        run: (seconds) =>
          runWrk({ url, script: 'post-json.lua', env: { BENCH_BODY: JSON.stringify({ token }) }, seconds, ...wrkOn(server, load) }),
      };
    },
  },
  {
    id: 'refresh',
    title: 'POST /api/token/refresh/, no rotation',
    servers: WITH_USERS,
    rotate: false,
    async prepare(server, load) {
      const { refresh } = await login(server.baseUrl);
      const url = `${server.baseUrl}/api/token/refresh/`;
      await expect('POST /api/token/refresh/', post(url, { refresh }), (r) => {
        const body = r.status === 200 ? JSON.parse(r.body) : {};
        return typeof body.access === 'string' && body.refresh === undefined;
      });
      return {
        run: (seconds) =>
          runWrk({ url, script: 'post-json.lua', env: { BENCH_BODY: JSON.stringify({ refresh }) }, seconds, ...wrkOn(server, load) }),
      };
    },
  },
  {
    id: 'rotation',
    title: 'POST /api/token/refresh/, rotation + blacklist, chained',
    servers: WITH_USERS,
    rotate: true,
    async prepare(server, load) {
      const url = `${server.baseUrl}/api/token/refresh/`;
      const { refresh } = await login(server.baseUrl);
      await expect('a rotating refresh', post(url, { refresh }), (r) => r.status === 200 && typeof JSON.parse(r.body).refresh === 'string');
      await expect('a rotated-away refresh token (must be blacklisted)', post(url, { refresh }), (r) => r.status === 401);
      const dir = mkdtempSync(join(tmpdir(), 'bench-pool-'));
      // A fresh pool for every wrk run: a run ends with tokens in flight whose rotation the
      // server has done but wrk never read, so a pool cannot be carried over. All pools are
      // minted now (logins), not between the runs of a round.
      const poolFile = async (index) => {
        const file = join(dir, `pool-${index}`);
        writeFileSync(file, `${(await mintRefreshPool(server.baseUrl, load.connections + 8)).join('\n')}\n`);
        return file;
      };
      const pools = [];
      for (let i = 0; i < load.runs; i++) pools.push(await poolFile(i));
      let runs = 0;
      return {
        async run(seconds) {
          const index = runs++;
          const file = pools[index] ?? (await poolFile(index));
          return runWrk({ url, script: 'refresh-chain.lua', env: { BENCH_POOL_FILE: file }, seconds, ...wrkOn(server, load) });
        },
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    id: 'login',
    title: 'POST /api/token/ (login)',
    servers: WITH_USERS,
    rotate: false,
    async prepare(server, load) {
      const url = `${server.baseUrl}/api/token/`;
      await expect('POST /api/token/', post(url, JSON.parse(LOGIN_BODY)), (r) => r.status === 200);
      return {
        run: (seconds, { warmup = false } = {}) =>
          runWrk({
            url,
            script: 'post-json.lua',
            env: { BENCH_BODY: LOGIN_BODY },
            ...wrkOn(server, load),
            connections: Math.min(load.connections, LOGIN_CONNECTIONS),
            seconds: warmup ? seconds : Math.max(seconds, LOGIN_MIN_SECONDS),
          }),
      };
    },
  },
  {
    id: 'mixed',
    title: 'GET /protected/ while logins saturate the CPU',
    servers: WITH_USERS,
    rotate: false,
    /**
     * Two wrk processes at once: logins as in the login workload (they alone saturate the CPU
     * with hashing), and GET /protected/ with a quarter of the usual connections, as the
     * traffic that must not wait behind the hashing. The row reports the protected route;
     * logins/s goes in `extra`.
     */
    async prepare(server, { connections, cpus }) {
      const token = await server.accessToken();
      const protectedConnections = Math.max(1, Math.floor(connections / 4));
      return {
        async run(seconds, { warmup = false } = {}) {
          if (!warmup) seconds = Math.max(seconds, LOGIN_MIN_SECONDS);
          const [protectedResult, loginResult] = await Promise.all([
            runWrk({
              url: `${server.baseUrl}/protected/`,
              script: 'get-bearer.lua',
              env: { BENCH_TOKEN: token },
              connections: protectedConnections,
              seconds,
              cpus,
            }),
            runWrk({
              url: `${server.baseUrl}/api/token/`,
              script: 'post-json.lua',
              env: { BENCH_BODY: LOGIN_BODY },
              connections: Math.min(connections, LOGIN_CONNECTIONS),
              seconds,
              cpus,
            }),
          ]);
          return { ...protectedResult, extra: { loginRps: loginResult.rps, protectedConnections } };
        },
      };
    },
  },
];
