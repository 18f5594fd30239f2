import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from './rate-limiter.js';
import { parseRate, throttledMessage } from './rate.js';

describe('parseRate', () => {
  it("reads DRF's notation", () => {
    expect(parseRate('100/hour')).toEqual({ limit: 100, windowSeconds: 3600 });
    expect(parseRate('5/m')).toEqual({ limit: 5, windowSeconds: 60 });
    expect(parseRate('10/second')).toEqual({ limit: 10, windowSeconds: 1 });
    expect(parseRate('1000/day')).toEqual({ limit: 1000, windowSeconds: 86_400 });
    for (const bad of ['', '0/hour', 'ten/hour', '5/fortnight', '5']) expect(parseRate(bad)).toBeUndefined();
  });

  it("words the wait as DRF's Throttled does", () => {
    expect(throttledMessage(1)).toBe('Request was throttled. Expected available in 1 second.');
    expect(throttledMessage(42)).toBe('Request was throttled. Expected available in 42 seconds.');
  });
});

describe('MemoryRateLimiter', () => {
  const rate = { limit: 3, windowSeconds: 60 };

  it('allows `limit` events in a window, then tells how long to wait', async () => {
    const limiter = new MemoryRateLimiter();
    for (let i = 0; i < 3; i++) {
      expect(await limiter.retryAfter('k', rate, 1000 + i)).toBe(0);
      await limiter.hit('k', rate, 1000 + i);
    }
    expect(await limiter.retryAfter('k', rate, 11_000)).toBe(50);
    expect(await limiter.retryAfter('other', rate, 11_000)).toBe(0);
  });

  it('slides: the oldest event leaving the window frees a place', async () => {
    const limiter = new MemoryRateLimiter();
    for (const at of [0, 20_000, 40_000]) await limiter.hit('k', rate, at);
    expect(await limiter.retryAfter('k', rate, 59_999)).toBe(1);
    expect(await limiter.retryAfter('k', rate, 60_000)).toBe(0);
  });

  it('keeps at most maxKeys keys, dropping the least recently hit', async () => {
    const limiter = new MemoryRateLimiter({ maxKeys: 2 });
    const strict = { limit: 1, windowSeconds: 60 };
    await limiter.hit('a', strict, 0);
    await limiter.hit('b', strict, 0);
    await limiter.hit('c', strict, 0);
    expect(await limiter.retryAfter('a', strict, 1)).toBe(0);
    expect(await limiter.retryAfter('c', strict, 1)).toBe(60);
  });
});
