import { describe, expect, it } from 'vitest';
import { describeLimiterConformance } from '../../test/support/limiter-conformance.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { parseRate, throttledMessage } from './rate.js';
import { accountHash } from './throttle-keys.js';

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

describeLimiterConformance('MemoryRateLimiter', async () => new MemoryRateLimiter());

describe('MemoryRateLimiter bounds', () => {
  const strict = (key: string) => ({ kind: 'window' as const, key, rate: { limit: 1, windowSeconds: 60 } });

  it('keeps at most maxKeys keys, dropping the least recently touched', async () => {
    const limiter = new MemoryRateLimiter({ maxKeys: 2 });
    for (const key of ['a', 'b', 'c']) await limiter.reserve([strict(key)], 0);
    expect(limiter.size).toBe(2);
    expect((await limiter.reserve([strict('a')], 1)).granted).toBe(true);
    expect((await limiter.reserve([strict('c')], 1)).granted).toBe(false);
  });

  it('drops a key once its window has passed since its last attempt', async () => {
    const limiter = new MemoryRateLimiter();
    // Key i is touched at i × 10 ms; its 60 s window ends at 60 s + i × 10 ms.
    for (let i = 0; i < 1000; i++) await limiter.reserve([strict(`k${i}`)], i * 10);
    expect(limiter.size).toBe(1000);
    await limiter.reserve([strict('late')], 61_500);
    // Keys 0 to 150 ended by 61.5 s and are gone; the rest stay until theirs end.
    expect(limiter.size).toBe(1000 - 151 + 1);
    await limiter.reserve([strict('later')], 200_000);
    expect(limiter.size).toBe(1);
  });
});

describe('throttle keys', () => {
  it('are fixed-size whatever was sent, and fold case and compatibility forms', () => {
    expect(accountHash('k'.repeat(900_000))).toHaveLength(22);
    expect(accountHash('ＫＹＯＫＯ')).toBe(accountHash('kyoko'));
    expect(accountHash('KYOKO')).toBe(accountHash('kyoko'));
    expect(accountHash('kyоko')).not.toBe(accountHash('kyoko'));
  });
});
