/**
 * What every RateLimiter must do, run against the in-memory one (src/throttling) and the Redis
 * one (test/redis): the same arithmetic, atomic multi-rule reservations, exact counts under a
 * concurrent burst, refunds, resets and marks.
 */
import { describe, expect, it } from 'vitest';
import type { BackoffRule, RateLimiter, WindowRule } from '../../src/throttling/rate-limiter.js';

export function describeLimiterConformance(name: string, make: () => Promise<RateLimiter>): void {
  let counter = 0;
  const fresh = (prefix: string) => `${prefix}-${process.pid}-${Date.now()}-${counter++}`;
  const windowRule = (key: string, limit = 3, windowSeconds = 60): WindowRule => ({ kind: 'window', key, rate: { limit, windowSeconds } });
  const backoffRule = (key: string): BackoffRule => ({
    kind: 'backoff',
    key,
    rate: { limit: 2, windowSeconds: 60 },
    maxDelaySeconds: 300,
    forgetSeconds: 86_400,
  });

  describe(`${name}: the RateLimiter contract`, () => {
    it('grants `limit` attempts in a window, then says how long to wait; the window slides', async () => {
      const limiter = await make();
      const rule = windowRule(fresh('w'));
      for (const at of [1000, 21_000, 41_000]) expect((await limiter.reserve([rule], at)).granted).toBe(true);
      expect(await limiter.reserve([rule], 50_000)).toEqual({ granted: false, retryAfter: 11 });
      expect((await limiter.reserve([rule], 61_001)).granted).toBe(true);
    });

    it('backoff: `limit` free, then one per delay that doubles up to the cap', async () => {
      const limiter = await make();
      const rule = backoffRule(fresh('b'));
      let now = 0;
      expect((await limiter.reserve([rule], now)).granted).toBe(true);
      expect((await limiter.reserve([rule], now)).granted).toBe(true);
      // Two failures: the next waits 60 s after the last, then 120, 240, then the 300 s cap.
      for (const delay of [60, 120, 240, 300, 300]) {
        expect(await limiter.reserve([rule], now + 1000)).toEqual({ granted: false, retryAfter: delay - 1 });
        now += delay * 1000;
        expect((await limiter.reserve([rule], now)).granted).toBe(true);
      }
    });

    it('counts nothing when any rule is full (all or nothing)', async () => {
      const limiter = await make();
      const full = windowRule(fresh('full'), 1);
      const other = windowRule(fresh('other'), 2);
      expect((await limiter.reserve([full], 0)).granted).toBe(true);
      for (let i = 0; i < 5; i++) expect((await limiter.reserve([other, full], 10)).granted).toBe(false);
      // `other` saw none of the five refused attempts: both of its places are free.
      expect((await limiter.reserve([other], 20)).granted).toBe(true);
      expect((await limiter.reserve([other], 30)).granted).toBe(true);
      expect((await limiter.reserve([other], 40)).granted).toBe(false);
    });

    it('grants exactly `limit` of a concurrent burst', async () => {
      const limiter = await make();
      const rules = [windowRule(fresh('burst'), 7), backoffRule(fresh('burst-b'))];
      const answers = await Promise.all(Array.from({ length: 300 }, () => limiter.reserve([rules[0] as WindowRule], 5000)));
      expect(answers.filter((answer) => answer.granted)).toHaveLength(7);
      const backoff = await Promise.all(Array.from({ length: 300 }, () => limiter.reserve([rules[1] as BackoffRule], 5000)));
      expect(backoff.filter((answer) => answer.granted)).toHaveLength(2);
    });

    it('refund takes one attempt back; reset and resetPrefix forget keys', async () => {
      const limiter = await make();
      const prefix = fresh('acct');
      const rule = windowRule(`${prefix}:x`, 1);
      const granted = await limiter.reserve([rule], 0);
      if (!granted.granted) throw new Error('not granted');
      expect((await limiter.reserve([rule], 1)).granted).toBe(false);
      await limiter.refund([rule], granted.ticket);
      expect((await limiter.reserve([rule], 2)).granted).toBe(true);
      await limiter.reset([rule.key]);
      expect((await limiter.reserve([rule], 3)).granted).toBe(true);
      const second = windowRule(`${prefix}:y`, 1);
      await limiter.reserve([second], 4);
      expect(await limiter.resetPrefix(`${prefix}:`)).toBe(2);
      expect((await limiter.reserve([rule, second], 5)).granted).toBe(true);
    });

    it('marks keys until their time-to-live ends', async () => {
      const limiter = await make();
      const key = fresh('mark');
      const now = Date.now();
      expect(await limiter.isMarked(key, now)).toBe(false);
      await limiter.mark(key, 60, now);
      expect(await limiter.isMarked(key, now + 1000)).toBe(true);
      await limiter.mark(`${key}-short`, 0.2, Date.now());
      await new Promise((wake) => setTimeout(wake, 400));
      expect(await limiter.isMarked(`${key}-short`, Date.now())).toBe(false);
    });
  });
}
