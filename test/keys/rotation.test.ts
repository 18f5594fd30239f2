/**
 * Keys rotate under load with no failed request: two `tessera serve` processes share one
 * database while clients log in on one, call the other, refresh and verify, in a loop; meanwhile
 * the operator runs `tessera keys generate`, `activate` and `retire` as a person would. Every
 * request must succeed, the early `activate` and `retire` must be refused, and at the end both
 * servers sign with the new key and publish only it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERUSER, TEST_SECRET, startCliServer, tessera, type RunningServer } from '../support/cli-server.js';

const databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'tessera-rotation-')), 'db.sqlite3')}`;
const env = {
  TESSERA_SECRET_KEY: TEST_SECRET,
  TESSERA_DATABASE_URL: databaseUrl,
  TESSERA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  TESSERA_ALGORITHM: 'ES256',
  // Short lives so the whole rotation fits in half a minute: a key may sign 12.5 s after it is
  // published (JWKS_MAX_AGE + KEY_POLL_INTERVAL), and retire 12.5 s after it stopped signing
  // (KEY_POLL_INTERVAL + REFRESH_TOKEN_LIFETIME). A CLI run takes 1.5 s on an idle machine and
  // up to ~5 s beside this load on two cores, so the early attempts land inside the windows.
  TESSERA_ACCESS_TOKEN_LIFETIME: '3',
  TESSERA_REFRESH_TOKEN_LIFETIME: '12',
  TESSERA_JWKS_MAX_AGE: '12',
  TESSERA_KEY_POLL_INTERVAL: '0.5',
  TESSERA_THROTTLE_LOGIN_ACCOUNT: 'off',
  TESSERA_THROTTLE_LOGIN_ACCOUNT_ADDRESS: 'off',
  TESSERA_THROTTLE_LOGIN_IP: 'off',
};

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));
const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid?: string }).kid;

/** `tessera keys ...`: the first whitespace-separated word of the printed line is the kid. */
async function keys(...args: string[]): Promise<string> {
  const { stdout } = await tessera(['keys', ...args], env);
  return stdout.trim().split(/\s+/)[0] ?? '';
}

/** Runs `tessera keys ...` until it is allowed (the operator retrying after the wait it was told). */
async function keysOnceAllowed(...args: string[]): Promise<string> {
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      return await keys(...args);
    } catch {
      await sleep(500);
    }
  }
  throw new Error(`tessera keys ${args.join(' ')} never succeeded`);
}

async function keysRefused(...args: string[]): Promise<string> {
  try {
    await tessera(['keys', ...args], env);
  } catch (error) {
    return String((error as { stderr?: string }).stderr);
  }
  throw new Error(`tessera keys ${args.join(' ')} was not refused`);
}

async function post(server: RunningServer, path: string, body: object): Promise<{ status: number; json: Record<string, string> }> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, string> };
}

async function login(server: RunningServer): Promise<{ access: string; refresh: string }> {
  const { status, json } = await post(server, '/api/token/', { username: SUPERUSER.username, password: SUPERUSER.password });
  if (status !== 200) throw new Error(`login answered ${status}`);
  return { access: json.access ?? '', refresh: json.refresh ?? '' };
}

async function jwksKids(server: RunningServer): Promise<string[]> {
  const jwks = (await (await fetch(`${server.baseUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
  return jwks.keys.map((key) => key.kid);
}

let a: RunningServer;
let b: RunningServer;
let firstKid: string;

beforeAll(async () => {
  await tessera(['migrate'], env);
  firstKid = await keys('generate');
  // The very first key: no server runs yet, so nobody can miss it; --force skips the wait.
  await keys('activate', '--force', '--', firstKid);
  a = await startCliServer(env, { databaseUrl });
  b = await startCliServer(env, { databaseUrl });
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('key rotation under load', () => {
  it('generate → activate → retire with clients working throughout: no request fails', async () => {
    const failures: string[] = [];
    const kidsSeen = new Set<string | undefined>();
    let requests = 0;
    let running = true;

    /**
     * One client: log in on one server, then use the pair on the other a few times (call,
     * refresh, call with the refreshed token, verify) before logging in again. Logins are few
     * because each costs an argon2 hash: the load is on the token paths rotation touches.
     */
    async function client(first: RunningServer, second: RunningServer): Promise<void> {
      const expect200 = (name: string, status: number) => {
        requests++;
        if (status !== 200) failures.push(`${name}: ${status}`);
      };
      while (running) {
        try {
          const { access, refresh } = await login(first);
          requests++;
          kidsSeen.add(kidOf(access));
          for (let round = 0; round < 5 && running; round++) {
            expect200(
              'protected',
              (await fetch(`${second.baseUrl}/protected/`, { headers: { authorization: `Bearer ${access}` } })).status,
            );
            const refreshed = await post(second, '/api/token/refresh/', { refresh });
            expect200('refresh', refreshed.status);
            kidsSeen.add(kidOf(refreshed.json.access ?? ''));
            expect200(
              'hello',
              (await fetch(`${first.baseUrl}/hello/`, { headers: { authorization: `Bearer ${refreshed.json.access}` } })).status,
            );
            expect200('verify', (await post(first, '/api/token/verify/', { token: refresh })).status);
            // A steady stream, not a saturating one: the operator's CLI shares these two cores.
            await sleep(10);
          }
        } catch (error) {
          failures.push(String(error));
        }
      }
    }
    const clients = [client(a, b), client(b, a)];

    await sleep(1000);
    const secondKid = await keys('generate');
    await expect.poll(async () => (await jwksKids(a)).length, { timeout: 5000 }).toBe(2);
    await expect.poll(async () => jwksKids(b), { timeout: 5000 }).toEqual([firstKid, secondKid]);

    // Too early: a verifier might not have the new key yet.
    expect(await keysRefused('activate', '--', secondKid)).toMatch(/verifiers may not know it yet/);
    expect(await keysOnceAllowed('activate', '--', secondKid)).toBe(secondKid);
    await expect.poll(async () => kidOf((await login(a)).access), { timeout: 5000 }).toBe(secondKid);
    await expect.poll(async () => kidOf((await login(b)).access), { timeout: 5000 }).toBe(secondKid);

    // Too early: tokens the first key signed are still live.
    expect(await keysRefused('retire', '--', firstKid)).toMatch(/may still be valid until/);
    expect(await keysOnceAllowed('retire', '--', firstKid)).toBe(firstKid);
    await expect.poll(async () => jwksKids(a), { timeout: 5000 }).toEqual([secondKid]);
    await expect.poll(async () => jwksKids(b), { timeout: 5000 }).toEqual([secondKid]);
    await sleep(1000);

    running = false;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    expect(kidsSeen).toEqual(new Set([firstKid, secondKid]));
    expect(requests).toBeGreaterThan(500);
  }, 90_000);
});
