/**
 * Issue 12 §3 over real HTTP: the password-hash queue is bounded and fair. While one address
 * floods logins (300 concurrent, in waves), the excess is refused at once with 503 and
 * Retry-After instead of queueing, and a login from another address waits behind at most a
 * hash or two of the flood (slots are handed round-robin between addresses), not behind the
 * whole flood. Order is what is asserted (no latency thresholds); the latency figure is in
 * docs/security.md with the command that measures it.
 */
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliServer, SUPERUSER, type CliServerProcess } from '../support/cli-server.js';
import { clientAddress, loginFrom, type AddressedReply } from '../support/from-address.js';

const SLOTS = Math.max(1, availableParallelism() - 1);
let server: CliServerProcess;

beforeAll(async () => {
  // Defaults for the queue (64 in all, 4 per address); the address limit is off so the flood is
  // all checked or queued, never throttled.
  server = await startCliServer({ TESSERA_THROTTLE_LOGIN_IP: 'off' });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('bounded, fair hashing (issue 12 §3)', () => {
  it("a flood from one address gets 503s past its share; another address's login is not queued behind it", async () => {
    const flooder = clientAddress(1);
    const finishedAt: { reply: AddressedReply; at: number }[] = [];
    let sequence = 0;
    let userDone = false;
    // Eight senders, each sending its next login as soon as the last is answered (20 ms after
    // a 503), until the user's login has its answer: the flooder's line is always full.
    const sender = async (n: number) => {
      for (let i = 0; !userDone; i++) {
        const reply = await loginFrom(server.baseUrl, flooder, `flood-${n}-${i}`, 'wrong');
        finishedAt.push({ reply, at: sequence++ });
        if (reply.status === 503) await new Promise((wake) => setTimeout(wake, 20));
      }
    };
    const flood = Promise.all(Array.from({ length: 8 }, (_, n) => sender(n)));
    const checked = () => finishedAt.filter(({ reply }) => reply.status === 401).length;
    while (checked() < 10) await new Promise((wake) => setTimeout(wake, 20));
    const sentAt = sequence;
    const user = await loginFrom(server.baseUrl, clientAddress(2), SUPERUSER.username, SUPERUSER.password);
    const answeredAt = sequence;
    userDone = true;
    await flood;

    expect(user.status).toBe(200);
    const refused = finishedAt.filter(({ reply }) => reply.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const { reply } of refused) {
      expect(reply.headers['retry-after']).toBe('1');
      expect(JSON.parse(reply.text)).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
    }
    expect(finishedAt.every(({ reply }) => reply.status === 401 || reply.status === 503)).toBe(true);
    // Checked flood logins that finished while the user's login was in flight: the ones
    // already hashing plus at most one more per slot, not the flood's queue.
    const checkedMeanwhile = finishedAt.filter(({ reply, at }) => reply.status === 401 && at >= sentAt && at < answeredAt);
    expect(checkedMeanwhile.length).toBeLessThanOrEqual(2 * SLOTS + 1);
  });
});
