/**
 * Issue 12 §1, §2 and §8 over real HTTP against `tessera serve`, with loopback source
 * addresses (127.0.0.2, 127.0.0.3, ...) standing for different clients:
 * - concurrent bursts are counted exactly: N attempts against a limit L check at most L
 *   passwords (a 401 or a console 403 is a checked password; the rest are 429), at the API,
 *   the console sign-in and registration;
 * - the three login layers (account+address, address, account), each with Retry-After;
 * - the real user logs in from their usual address while attacks from elsewhere lock the
 *   account, and that success resets the count;
 * - throttled console sign-ins are audited as one aggregated entry with the exact count.
 * The hash queue is made roomy here so that only the throttles decide (the queue's own bound
 * is proved in hash-queue.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/stores/open-store.js';
import { startCliServer, SUPERUSER, type CliServerProcess } from '../support/cli-server.js';
import { consoleCsrfToken, consoleSignInFrom } from '../support/console-sign-in.js';
import { clientAddress, countStatuses, loginFrom, sendFrom, type AddressedReply } from '../support/from-address.js';

const PER_ADDRESS = 20;
const PER_ACCOUNT = 10;
const PER_ACCOUNT_ADDRESS = 5; // the default, 5/minute
const REGISTRATIONS = 10;

let server: CliServerProcess;

beforeAll(async () => {
  server = await startCliServer({
    TESSERA_THROTTLE_LOGIN_IP: `${PER_ADDRESS}/hour`,
    TESSERA_THROTTLE_LOGIN_ACCOUNT: `${PER_ACCOUNT}/day`,
    TESSERA_THROTTLE_REGISTER_IP: `${REGISTRATIONS}/hour`,
    TESSERA_HASH_QUEUE_LIMIT: '2000',
    TESSERA_HASH_QUEUE_PER_CLIENT: '2000',
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

/** Every 429 says how long to wait, the same in the header and the message. */
function expectRetryAfter(replies: readonly AddressedReply[], atMost: number): void {
  for (const reply of replies.filter((each) => each.status === 429)) {
    const wait = Number(reply.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(atMost);
    if (reply.headers['content-type']?.toString().includes('json')) expect(reply.text).toContain(`Expected available in ${wait} second`);
  }
}

describe('login throttles hold under concurrency (issue 12 §1)', () => {
  it(`500 concurrent wrong passwords for one account from one address: ${PER_ACCOUNT_ADDRESS} checked, 495 refused`, async () => {
    const from = clientAddress(1);
    const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => loginFrom(server.baseUrl, from, 'target-one', `guess-${i}`)));
    expect(countStatuses(replies)).toEqual({ 401: PER_ACCOUNT_ADDRESS, 429: 500 - PER_ACCOUNT_ADDRESS });
    expectRetryAfter(replies, 60);
  });

  it(`60 concurrent wrong logins for 60 accounts from one address: ${PER_ADDRESS} checked (per address)`, async () => {
    const from = clientAddress(2);
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => loginFrom(server.baseUrl, from, `stuffed-${i}`, 'password123')));
    expect(countStatuses(replies)).toEqual({ 401: PER_ADDRESS, 429: 60 - PER_ADDRESS });
    expectRetryAfter(replies, 3600);
  });

  it(`200 concurrent console sign-ins from one address: ${PER_ACCOUNT_ADDRESS} checked, the rest 429 with Retry-After`, async () => {
    const from = clientAddress(3);
    const token = await consoleCsrfToken(server.baseUrl, from);
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) => consoleSignInFrom(server.baseUrl, from, token, 'console-target', `guess-${i}`)),
    );
    expect(countStatuses(replies)).toEqual({ 403: PER_ACCOUNT_ADDRESS, 429: 200 - PER_ACCOUNT_ADDRESS });
    expectRetryAfter(replies, 60);
  });

  it(`40 concurrent registrations from one address: ${REGISTRATIONS} get through`, async () => {
    const from = clientAddress(4);
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sendFrom(server.baseUrl, from, 'POST', '/accounts/register/', {
          username: `burst${i}`,
          email: `burst${i}@example.com`,
          password: 'a-long-enough-passphrase',
          password2: 'a-long-enough-passphrase',
          first_name: 'B',
        }),
      ),
    );
    expect(countStatuses(replies)).toEqual({ 201: REGISTRATIONS, 429: 40 - REGISTRATIONS });
    expectRetryAfter(replies, 3600);
  });
});

describe('layered login throttling (issue 12 §2)', () => {
  it('per account and address: five failures, then a wait of a minute', async () => {
    const from = clientAddress(5);
    for (let i = 0; i < PER_ACCOUNT_ADDRESS; i++)
      expect((await loginFrom(server.baseUrl, from, 'slow-target', `guess-${i}`)).status).toBe(401);
    const refused = await loginFrom(server.baseUrl, from, 'slow-target', 'one-more');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(50);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another address is not held up by this one's burst.
    expect((await loginFrom(server.baseUrl, clientAddress(6), 'slow-target', 'guess')).status).toBe(401);
  });

  it('attacks from many addresses lock the account for new addresses, never for the real user at their usual address', async () => {
    const usual = clientAddress(7);
    const brandNew = clientAddress(8);
    expect((await loginFrom(server.baseUrl, usual, SUPERUSER.username, SUPERUSER.password)).status).toBe(200);
    // 40 attackers, one guess each, at once, at "KYOKO" (folded to kyoko's account).
    const attacks = await Promise.all(
      Array.from({ length: 40 }, (_, i) => loginFrom(server.baseUrl, clientAddress(100 + i), 'KYOKO', `guess-${i}`)),
    );
    expect(countStatuses(attacks)).toEqual({ 401: PER_ACCOUNT, 429: 40 - PER_ACCOUNT });
    expectRetryAfter(attacks, 86_400);
    // The right password from an address kyoko never used: locked (NIST's limit holds).
    const locked = await loginFrom(server.baseUrl, brandNew, SUPERUSER.username, SUPERUSER.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // From her usual address: in, and the account's consecutive count starts again.
    expect((await loginFrom(server.baseUrl, usual, SUPERUSER.username, SUPERUSER.password)).status).toBe(200);
    expect((await loginFrom(server.baseUrl, brandNew, SUPERUSER.username, SUPERUSER.password)).status).toBe(200);
  });
});

describe('throttled attempts are audited in aggregate (issue 12 §8)', () => {
  it('one entry per account, address and minute with the exact count, not one per attempt', async () => {
    const from = clientAddress(9);
    const token = await consoleCsrfToken(server.baseUrl, from);
    const replies = await Promise.all(
      Array.from({ length: 300 }, (_, i) => consoleSignInFrom(server.baseUrl, from, token, 'audited-target', `guess-${i}`)),
    );
    const statuses = countStatuses(replies);
    expect(statuses).toEqual({ 403: PER_ACCOUNT_ADDRESS, 429: 300 - PER_ACCOUNT_ADDRESS });
    // Counts are written at the end of their minute or at shutdown.
    await server.stop();
    const store = await openStore(server.databaseUrl);
    try {
      const entries = (await store.audit?.listAudit({ limit: 1000 })) ?? [];
      const mine = entries.filter((entry) => entry.actorUsername === 'audited-target');
      expect(mine.filter((entry) => entry.action === 'admin.sign_in_failed')).toHaveLength(PER_ACCOUNT_ADDRESS);
      const throttled = mine.filter((entry) => entry.action === 'admin.sign_in_throttled');
      expect(throttled).toHaveLength(1);
      expect(throttled[0]?.detail).toContain(`${statuses[429]} sign-in attempts refused (throttled)`);
      expect(throttled[0]?.ip).toBe(from);
      // The API's throttled logins too: the first test's 495 refusals are one entry.
      const api = entries.filter((entry) => entry.actorUsername === 'target-one');
      expect(api.filter((entry) => entry.action === 'login.failed')).toHaveLength(PER_ACCOUNT_ADDRESS);
      expect(api.filter((entry) => entry.action === 'login.throttled')).toEqual([]);
      const window = api.filter((entry) => entry.action === 'login.throttled_window');
      expect(window.map((entry) => entry.ip)).toEqual([clientAddress(1)]);
      expect(window[0]?.detail).toContain(`${500 - PER_ACCOUNT_ADDRESS} login attempts refused (throttled)`);
    } finally {
      await store.close();
    }
  });
});
