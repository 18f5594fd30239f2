/**
 * The two resource measurements: resident memory while 256 connections hammer GET /protected/,
 * and the time from spawning a server (above all `tessera serve`) to its first 200.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { groupRssBytes, sampleRss, waitFor } from './processes.mjs';
import { prepareTessera, spawnTesseraServe, startPeer } from './servers.mjs';
import { mintAccessToken } from './tokens.mjs';
import { runWrk } from './wrk.mjs';

/**
 * Idle and peak resident memory (bytes, whole process group) of a running server while wrk
 * keeps `connections` connections busy on GET /protected/ for `seconds`.
 */
export async function measureMemory(server, { connections = 256, seconds, loadCpus }) {
  const token = await server.accessToken();
  await sleep(500);
  const idleBytes = groupRssBytes(server.pgid);
  const sampler = sampleRss(server.pgid);
  const load = await runWrk({
    url: `${server.baseUrl}/protected/`,
    script: 'get-bearer.lua',
    env: { BENCH_TOKEN: token },
    connections,
    seconds,
    cpus: loadCpus,
  });
  const peakBytes = sampler.stop();
  return { idleBytes, peakBytes, load };
}

/**
 * Times `runs` start-ups of each of `kinds` (Node servers: tessera, fastify, bare), alternating,
 * pinned to `cpus` like every measured server,
 * from spawn() to the first 200 of GET /protected/ (polled every 2 ms with a valid token).
 * Tessera serves one prepared database throughout; `serve` applies migrations itself, so its
 * time includes that schema check. The peers show what Node alone costs on this machine.
 * @returns {Promise<Record<string, number[]>>} milliseconds per run, per server
 */
export async function measureStartup({ secret, runs, kinds, cpus }) {
  const prepared = kinds.includes('tessera') ? await prepareTessera({ secret }) : undefined;
  const token = mintAccessToken(secret);
  const times = Object.fromEntries(kinds.map((kind) => [kind, []]));
  try {
    for (let i = 0; i < runs; i++) {
      for (const kind of i % 2 === 0 ? kinds : [...kinds].reverse()) {
        const server =
          kind === 'tessera'
            ? await spawnTesseraServe(prepared, { ready: 'none', cpus })
            : await startPeer(kind, undefined, secret, { ready: 'none', cpus });
        try {
          await waitFor(`${server.baseUrl}/protected/`, {
            init: { headers: { authorization: `Bearer ${token}` } },
            accept: (r) => r?.status === 200,
            intervalMs: 2,
            isDead: server.isDead,
          });
          times[kind].push(performance.now() - server.spawnedAt);
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    await prepared?.remove();
  }
  return times;
}
