/**
 * Issue 12's soak: a bounded run (SOAK_SECONDS, 60 by default) of mixed good and bad
 * traffic against `tessera serve` with Redis. Five users log in from their own addresses, call
 * /protected/ and refresh, over and over; ten attacker addresses guess at those accounts and at
 * names that do not exist, each one request at a time. Then:
 * - no answer was a 5xx, and every user request succeeded (the real users are never locked out);
 * - the server's memory (RSS) ends where it was after warm-up, within 64 MB;
 * - the counters in Redis are exact: for each attacker address and target, the account+address
 *   counter holds as many failures as that pair got 401s, and each attacker address's counter
 *   holds all its 401s; and `tessera throttle clear` empties an account's counters.
 */
import { readFileSync } from 'node:fs';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountHash, addressHash } from '../../src/throttling/throttle-keys.js';
import { startCliServer, tessera, type CliServerProcess } from '../support/cli-server.js';
import { clientAddress, loginFrom, sendFrom, type AddressedReply } from '../support/from-address.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

const SOAK_MS = Number(process.env.SOAK_SECONDS ?? '60') * 1000;
const PASSWORD = 'soak-passphrase-long-enough';
const USERS = Array.from({ length: 5 }, (_, i) => ({ username: `soaker${i}`, address: clientAddress(10 + i) }));
const ATTACKERS = Array.from({ length: 10 }, (_, i) => clientAddress(50 + i));
const TARGETS = [...USERS.map((user) => user.username), 'ghost-a', 'ghost-b'];

let redis: TestRedis;
let server: CliServerProcess;

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

const pause = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

beforeAll(async () => {
  redis = await startTestRedis();
  server = await startCliServer({ TESSERA_REDIS_URL: redis.url, TESSERA_ACCESS_TOKEN_LIFETIME: '300' });
  for (const user of USERS) {
    const reply = await sendFrom(server.baseUrl, user.address, 'POST', '/accounts/register/', {
      username: user.username,
      email: `${user.username}@example.com`,
      password: PASSWORD,
      password2: PASSWORD,
      first_name: 'S',
    });
    expect(reply.status, reply.text).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

describe('soak: mixed good and bad traffic with Redis (issue 12)', () => {
  it(
    'no 5xx, users never refused, memory flat, counters exact',
    async () => {
      const statuses: number[] = [];
      const userFailures: string[] = [];
      const failures401 = new Map<string, number>();
      let done = false;

      const userLoop = async (user: (typeof USERS)[number]) => {
        while (!done) {
          const login = await loginFrom(server.baseUrl, user.address, user.username, PASSWORD);
          statuses.push(login.status);
          if (login.status !== 200) {
            userFailures.push(`${user.username} login ${login.status} ${login.text}`);
            await pause(200);
            continue;
          }
          const { access, refresh } = JSON.parse(login.text) as { access: string; refresh: string };
          const calls: AddressedReply[] = [
            await sendFrom(server.baseUrl, user.address, 'GET', '/protected/', undefined, {
              headers: { authorization: `Bearer ${access}` },
            }),
            await sendFrom(server.baseUrl, user.address, 'POST', '/api/token/refresh/', { refresh }),
          ];
          for (const call of calls) {
            statuses.push(call.status);
            if (call.status !== 200) userFailures.push(`${user.username} ${call.status} ${call.text}`);
          }
          await pause(50);
        }
      };

      const attackerLoop = async (address: string, n: number) => {
        for (let i = 0; !done; i++) {
          const target = TARGETS[(n + i) % TARGETS.length] ?? 'ghost-a';
          const reply = await loginFrom(server.baseUrl, address, target, `guess-${i}`);
          statuses.push(reply.status);
          if (reply.status === 401) failures401.set(`${address} ${target}`, (failures401.get(`${address} ${target}`) ?? 0) + 1);
          await pause(10);
        }
      };

      // Warm up, then measure.
      await Promise.all(USERS.map((user) => loginFrom(server.baseUrl, user.address, user.username, PASSWORD)));
      const running = [...USERS.map(userLoop), ...ATTACKERS.map((address, n) => attackerLoop(address, n))];
      // "Flat" is measured once the load's working set is in place (the first third: V8 grows its
      // heap to the traffic, more so when other suites share the machine), up to the end.
      await pause(SOAK_MS / 3);
      const rssBefore = rssBytes(server.pid);
      await pause((SOAK_MS * 2) / 3);
      done = true;
      await Promise.all(running);
      const rssAfter = rssBytes(server.pid);

      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      expect(userFailures).toEqual([]);
      expect(new Set(statuses.filter((status) => status >= 400))).toEqual(
        new Set([401, 429].filter((status) => statuses.includes(status))),
      );
      expect(rssAfter - rssBefore).toBeLessThan(64 * 1024 * 1024);

      const client = createClient({ url: redis.url });
      await client.connect();
      try {
        for (const address of ATTACKERS) {
          let fromAddress = 0;
          for (const target of TARGETS) {
            const expected = failures401.get(`${address} ${target}`) ?? 0;
            fromAddress += expected;
            const key = `tessera:throttle:login:aa:${accountHash(target)}:${addressHash(address)}`;
            expect(await client.zCard(key), `${address} → ${target}`).toBe(expected);
          }
          expect(await client.zCard(`tessera:throttle:login:ip:${addressHash(address)}`), address).toBe(fromAddress);
        }
        // An administrator's unlock, from the command line, clears every counter of an account.
        const target = 'ghost-a';
        const before = await client.keys(`tessera:throttle:login:aa:${accountHash(target)}:*`);
        expect(before.length).toBeGreaterThan(0);
        const { stdout } = await tessera(['throttle', 'clear', target], server.env);
        expect(stdout).toMatch(/^Cleared \d+ throttle counters?\.$/m);
        expect(await client.keys(`tessera:throttle:login:aa:${accountHash(target)}:*`)).toEqual([]);
        expect(await client.exists(`tessera:throttle:login:a:${accountHash(target)}`)).toBe(0);
      } finally {
        await client.close();
      }
    },
    SOAK_MS + 120_000,
  );
});
