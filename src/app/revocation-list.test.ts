/**
 * A stand-alone verifier's revocation list stays bounded while its feed fails: revocations pushed
 * over a real Redis are dropped by their own times once no token they refuse can be unexpired
 * (the feed's last horizon plus the verifier's LEEWAY, on an injected clock), never before, and
 * at most `maxEntries` are kept, the newest. Before the feed has ever answered, a pushed session
 * is refused although the session claim's name is not known yet (docs/revocation.md). Counts are
 * read through `sizes()`; waits are bounded by a marker message, nothing is timed.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_REVOKED_CHANNEL, TOKEN_CUT_OFF_CHANNEL } from '../model/revocation-feed.js';
import { startTestRedis, type TestRedis } from '../../test/support/redis-server.js';
import { RevocationList, type RevocationFeedOptions } from './revocation-list.js';

const START = Date.UTC(2031, 5, 1, 12, 0, 0);
const HORIZON = 300;
const LEEWAY = 10;

let redis: TestRedis;
let publisher: ReturnType<typeof createClient>;
const lists: RevocationList[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  publisher = createClient({ url: redis.url });
  await publisher.connect();
});

afterEach(async () => {
  for (const list of lists.splice(0)) await list.close();
});

afterAll(async () => {
  if (publisher?.isOpen) await publisher.close();
  await redis?.stop();
});

interface Harness {
  readonly list: RevocationList;
  readonly errors: Error[];
  feedUp: boolean;
  clock: number;
}

const feedDocument = (now: number) => ({
  claims: { user: 'user_id', version: 'ver', session: 'sid' },
  now: Math.floor(now / 1000),
  horizon: HORIZON,
  cut_offs: [],
  sessions: [],
});

/** A list listening on the test Redis; its feed answers while `feedUp`, 500 otherwise (or is unreachable with `realFetch`). */
async function listening(options: Partial<RevocationFeedOptions> = {}, realFetch = false): Promise<Harness> {
  const errors: Error[] = [];
  const harness = { errors, feedUp: false, clock: START } as { -readonly [K in keyof Harness]: Harness[K] };
  const stub: typeof fetch = async () =>
    harness.feedUp ? Response.json(feedDocument(harness.clock)) : new Response('down', { status: 500 });
  harness.list = new RevocationList(
    { url: 'http://127.0.0.1:1/api/token/revocations/', key: 'k', pollIntervalMs: 600_000, redisUrl: redis.url, ...options },
    { fetch: realFetch ? globalThis.fetch : stub, now: () => harness.clock, onError: (error) => errors.push(error), leeway: LEEWAY },
  );
  lists.push(harness.list);
  harness.list.start();
  // Subscribed to both channels: pushes from now on arrive, in the order published.
  for (const deadline = Date.now() + 10_000; ; await new Promise((wake) => setTimeout(wake, 20))) {
    const counts = await publisher.pubSubNumSub([SESSION_REVOKED_CHANNEL, TOKEN_CUT_OFF_CHANNEL]);
    if (Object.values(counts).every((count) => Number(count) >= lists.length)) break;
    if (Date.now() > deadline) throw new Error('the list never subscribed');
  }
  return harness;
}

/** Publishes the sessions, then a marker, and resolves once the marker has arrived (so have they). */
async function push(harness: Harness, sids: readonly string[], cutOffUsers: readonly number[] = []): Promise<void> {
  for (const user of cutOffUsers)
    await publisher.publish(TOKEN_CUT_OFF_CHANNEL, JSON.stringify({ user, version: 2, at: Math.floor(harness.clock / 1000) }));
  for (const sid of sids) await publisher.publish(SESSION_REVOKED_CHANNEL, sid);
  const marker = sids.at(-1) ?? randomUUID();
  if (sids.length === 0) await publisher.publish(SESSION_REVOKED_CHANNEL, marker);
  for (const deadline = Date.now() + 10_000; ; await new Promise((wake) => setTimeout(wake, 10))) {
    if (harness.list.revocationOf({ user_id: 0, sid: marker }) === 'session_revoked') return;
    if (Date.now() > deadline) throw new Error('the marker push was never refused');
  }
}

const token = (sid: string, user = 1) => ({ token_type: 'access', user_id: user, ver: 1, sid });

describe('RevocationList while its feed fails', () => {
  it('drops pushed revocations once older than the last horizon + LEEWAY, on push and on check, never sooner', async () => {
    const harness = await listening();
    harness.feedUp = true;
    expect(await harness.list.poll()).toBe(true);
    harness.feedUp = false;
    expect(await harness.list.poll()).toBe(false);
    expect(harness.errors.at(-1)?.message).toContain('500');

    const sids = Array.from({ length: 200 }, () => randomUUID());
    const users = Array.from({ length: 20 }, (_, index) => 100 + index);
    await push(harness, sids, users);
    expect(harness.list.sizes()).toEqual({ cutOffs: 20, sessions: 200 });

    // A token of those sessions minted at START can live until START + HORIZON, and this
    // verifier accepts it LEEWAY seconds more: until then, every revocation is kept.
    harness.clock = START + (HORIZON + LEEWAY) * 1000;
    expect(harness.list.revocationOf(token(sids[0]!))).toBe('session_revoked');
    expect(harness.list.revocationOf(token(randomUUID(), users[0]))).toBe('cut_off');
    expect(harness.list.sizes()).toEqual({ cutOffs: 20, sessions: 200 });

    // Past it, a new push alone (the feed still down) drops them all by their own times.
    harness.clock = START + (HORIZON + LEEWAY + 2) * 1000;
    const fresh = randomUUID();
    await push(harness, [fresh]);
    expect(harness.list.sizes()).toEqual({ cutOffs: 0, sessions: 1 });
    expect(harness.list.revocationOf(token(fresh))).toBe('session_revoked');

    // And so does a check alone.
    harness.clock += (HORIZON + LEEWAY + 2) * 1000;
    expect(harness.list.revocationOf(token(fresh))).toBeUndefined();
    expect(harness.list.sizes()).toEqual({ cutOffs: 0, sessions: 0 });
  });

  it('keeps the newest maxEntries when the feed has never answered (unreachable), and refuses their sessions', async () => {
    const harness = await listening({ maxEntries: 50 }, true);
    expect(await harness.list.poll()).toBe(false);
    const sids = Array.from({ length: 120 }, () => randomUUID());
    await push(harness, sids, [7]);
    expect(harness.list.sizes()).toEqual({ cutOffs: 0, sessions: 50 });
    expect(harness.errors.filter((error) => error.message.includes('revocation list full'))).toHaveLength(1);
    // The newest are kept and refused, though the session claim's name is not known yet.
    for (const sid of sids.slice(-50)) expect(harness.list.revocationOf(token(sid))).toBe('session_revoked');
    // The oldest were dropped: their tokens are accepted until they expire, as without a feed.
    expect(harness.list.revocationOf(token(sids[0]!))).toBeUndefined();

    // Without a horizon from the feed, age drops nothing: the server's tokens may live longer.
    harness.clock += 24 * 3600 * 1000;
    await push(harness, [randomUUID()]);
    expect(harness.list.sizes()).toEqual({ cutOffs: 0, sessions: 50 });
  });

  it('refuses a session pushed before the feed first answers (500), then reads only the claim the feed names', async () => {
    const harness = await listening();
    expect(await harness.list.poll()).toBe(false);
    const sid = randomUUID();
    await push(harness, [sid]);
    expect(harness.list.revocationOf(token(sid))).toBe('session_revoked');
    expect(harness.list.revocationOf(token(randomUUID()))).toBeUndefined();

    harness.feedUp = true;
    expect(await harness.list.poll()).toBe(true);
    expect(harness.list.revocationOf(token(sid))).toBe('session_revoked');
    expect(harness.list.revocationOf({ ...token(randomUUID()), other: sid })).toBeUndefined();
  });
});
