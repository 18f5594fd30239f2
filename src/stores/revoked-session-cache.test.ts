import { describe, expect, it } from 'vitest';
import { RevokedSessionCache } from './revoked-session-cache.js';

/** A store whose reads wait until released, counting them. */
function slowStore(revoked: Set<string>) {
  const pending: (() => void)[] = [];
  let reads = 0;
  return {
    store: {
      sessionRevokedAt: async (id: string) => {
        reads += 1;
        const answer = revoked.has(id) ? new Date(0) : null;
        await new Promise<void>((release) => pending.push(release));
        return answer;
      },
    },
    releaseAll: () => pending.splice(0).forEach((release) => release()),
    reads: () => reads,
  };
}

describe('RevokedSessionCache', () => {
  it('keeps "live" for the TTL, "revoked" forever, and applies a revocation at once', async () => {
    let now = 0;
    const revoked = new Set<string>();
    const slow = slowStore(revoked);
    const cache = new RevokedSessionCache(slow.store, { ttlMs: 5000, now: () => now });
    const first = cache.isRevoked('a');
    slow.releaseAll();
    expect(await first).toBe(false);
    expect(await cache.isRevoked('a')).toBe(false);
    expect(slow.reads()).toBe(1);
    cache.markRevoked('a');
    expect(await cache.isRevoked('a')).toBe(true);
    now = 10_000_000;
    expect(await cache.isRevoked('a')).toBe(true);
    expect(slow.reads()).toBe(1);
  });

  it('never stores a "live" answer read while a revocation arrived: the revocation wins', async () => {
    const revoked = new Set<string>();
    const slow = slowStore(revoked);
    const cache = new RevokedSessionCache(slow.store, { ttlMs: 600_000 });
    // The read starts before the revocation commits, and answers after the bus told this process.
    const racing = cache.isRevoked('s');
    revoked.add('s');
    cache.markRevoked('s');
    slow.releaseAll();
    expect(await racing).toBe(true);
    expect(await cache.isRevoked('s')).toBe(true);
    // An unrelated session read across any revocation is read again next time, not trusted.
    const other = cache.isRevoked('t');
    cache.markRevoked('u');
    slow.releaseAll();
    expect(await other).toBe(false);
    const again = cache.isRevoked('t');
    slow.releaseAll();
    expect(await again).toBe(false);
    expect(slow.reads()).toBe(3);
  });

  it('holds at most maxEntries; a revoked session pushed out is read again and still refused', async () => {
    const revoked = new Set<string>(['old']);
    let reads = 0;
    const store = {
      sessionRevokedAt: (id: string) => {
        reads += 1;
        return Promise.resolve(revoked.has(id) ? new Date(0) : null);
      },
    };
    const cache = new RevokedSessionCache(store, { ttlMs: 600_000, maxEntries: 100 });
    expect(await cache.isRevoked('old')).toBe(true);
    // A burst of 1,000 sessions checked at once: the map never grows past its bound.
    const answers = await Promise.all(Array.from({ length: 1000 }, (_, index) => cache.isRevoked(`s${index}`)));
    expect(answers.every((answer) => !answer)).toBe(true);
    expect(cache.size).toBeLessThanOrEqual(100);
    const before = reads;
    expect(await cache.isRevoked('old')).toBe(true);
    expect(reads).toBe(before + 1);
  });

  it('under a burst of checks racing revocations, no revoked session is ever answered live', async () => {
    const revoked = new Set<string>();
    const slow = slowStore(revoked);
    const cache = new RevokedSessionCache(slow.store, { ttlMs: 600_000 });
    const ids = Array.from({ length: 50 }, (_, index) => `f${index}`);
    const checks = ids.flatMap((id) => [cache.isRevoked(id), cache.isRevoked(id)]);
    for (const id of ids.filter((_, index) => index % 2 === 0)) {
      revoked.add(id);
      cache.markRevoked(id);
    }
    slow.releaseAll();
    await Promise.all(checks);
    const after = Promise.all(ids.map((id) => cache.isRevoked(id)));
    slow.releaseAll();
    expect(await after).toEqual(ids.map((_, index) => index % 2 === 0));
  });
});
