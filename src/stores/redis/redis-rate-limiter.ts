/**
 * Throttle counters shared by every instance, in Redis: a sliding-window log per key in a sorted
 * set, read and written by one Lua script each so concurrent instances cannot interleave.
 * When Redis is unreachable the per-process limiter answers (weaker, never absent).
 */
import { randomUUID } from 'node:crypto';
import type { RateLimiter } from '../../throttling/rate-limiter.js';
import type { Rate } from '../../throttling/rate.js';
import type { RedisLink } from './redis-link.js';

const PREFIX = 'tessera:throttle:';

/** Drops events older than the window; answers the ms until the oldest of the last `limit` leaves it (0: under limit). */
const RETRY_AFTER_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
if count < tonumber(ARGV[3]) then return 0 end
local oldest = redis.call('ZRANGE', KEYS[1], count - tonumber(ARGV[3]), count - tonumber(ARGV[3]), 'WITHSCORES')
return tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1])
`;

/** Adds an event, trims to the window and to `limit` events, and expires the key with its window. */
const HIT_SCRIPT = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

export class RedisRateLimiter implements RateLimiter {
  readonly #link: RedisLink;
  readonly #fallback: RateLimiter;

  constructor(link: RedisLink, fallback: RateLimiter) {
    this.#link = link;
    this.#fallback = fallback;
  }

  async retryAfter(key: string, rate: Rate, nowMs: number): Promise<number> {
    const windowMs = rate.windowSeconds * 1000;
    const waitMs = await this.#link.run((client) =>
      client.eval(RETRY_AFTER_SCRIPT, { keys: [PREFIX + key], arguments: [String(nowMs), String(windowMs), String(rate.limit)] }),
    );
    if (typeof waitMs !== 'number') return this.#fallback.retryAfter(key, rate, nowMs);
    return waitMs <= 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000));
  }

  async hit(key: string, rate: Rate, nowMs: number): Promise<void> {
    // Counted locally too, so an outage starts from what this instance saw, not from zero.
    await this.#fallback.hit(key, rate, nowMs);
    await this.#link.run((client) =>
      client.eval(HIT_SCRIPT, {
        keys: [PREFIX + key],
        arguments: [String(nowMs), String(rate.windowSeconds * 1000), String(rate.limit), `${nowMs}:${randomUUID()}`],
      }),
    );
  }

  async close(): Promise<void> {
    await this.#fallback.close();
  }
}
