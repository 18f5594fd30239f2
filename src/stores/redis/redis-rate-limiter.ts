/**
 * Throttle counters shared by every instance, in Redis: a sliding log of events per key in a
 * sorted set (score: time in ms, member: the reservation's ticket). A reservation is one Lua
 * script over all the attempt's keys, so no instance can slip an attempt in between another's
 * check and count, and a refused attempt counts nowhere.
 * When Redis is unreachable the per-process limiter answers (weaker, never absent).
 */
import { randomUUID } from 'node:crypto';
import { MemoryRateLimiter } from '../../throttling/memory-rate-limiter.js';
import {
  horizonMs,
  maxEventsKept,
  toRetryAfterSeconds,
  type RateLimiter,
  type Reservation,
  type ThrottleRule,
} from '../../throttling/rate-limiter.js';
import type { RedisLink } from './redis-link.js';

const PREFIX = 'tessera:throttle:';

/**
 * KEYS: one per rule. ARGV: now, ticket, then five per rule: kind (w|b), limit, window ms,
 * horizon ms, max delay ms, events kept. Same arithmetic as `waitMs` in rate-limiter.ts.
 * Returns 0 and counts the attempt under every key, or the ms to wait and counts nothing.
 */
const RESERVE_SCRIPT = `
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local base = 2 + (i - 1) * 6
  local kind, limit, window = ARGV[base + 1], tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  local horizon, maxDelay = tonumber(ARGV[base + 4]), tonumber(ARGV[base + 5])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - horizon)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local w
    if kind == 'w' then
      local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
      w = tonumber(oldest[2]) + window - now
    else
      local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
      w = tonumber(last[2]) + math.min(window * 2 ^ (count - limit), maxDelay) - now
    end
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local base = 2 + (i - 1) * 6
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('ZREMRANGEBYRANK', key, 0, -(tonumber(ARGV[base + 6]) + 1))
  redis.call('PEXPIRE', key, ARGV[base + 4])
end
return 0
`;

/** ZREM the ticket from every key. */
const REFUND_SCRIPT = `
for _, key in ipairs(KEYS) do redis.call('ZREM', key, ARGV[1]) end
return 1
`;

function ruleArguments(rule: ThrottleRule): string[] {
  const maxDelayMs = rule.kind === 'backoff' ? rule.maxDelaySeconds * 1000 : 0;
  return [
    rule.kind === 'window' ? 'w' : 'b',
    String(rule.rate.limit),
    String(rule.rate.windowSeconds * 1000),
    String(horizonMs(rule)),
    String(maxDelayMs),
    String(maxEventsKept(rule)),
  ];
}

export class RedisRateLimiter implements RateLimiter {
  readonly #link: RedisLink;
  readonly #fallback: MemoryRateLimiter;

  constructor(link: RedisLink, fallback: MemoryRateLimiter) {
    this.#link = link;
    this.#fallback = fallback;
  }

  async reserve(rules: readonly ThrottleRule[], nowMs: number): Promise<Reservation> {
    if (rules.length === 0) return { granted: true, ticket: 'none' };
    const ticket = `r:${nowMs}:${randomUUID()}`;
    const waitMs = await this.#link.run((client) =>
      client.eval(RESERVE_SCRIPT, {
        keys: rules.map((rule) => PREFIX + rule.key),
        arguments: [String(nowMs), ticket, ...rules.flatMap(ruleArguments)],
      }),
    );
    if (typeof waitMs !== 'number') return this.#fallback.reserve(rules, nowMs);
    return waitMs > 0 ? { granted: false, retryAfter: toRetryAfterSeconds(waitMs) } : { granted: true, ticket };
  }

  async refund(rules: readonly ThrottleRule[], ticket: string): Promise<void> {
    // A ticket the fallback granted (during an outage) is refunded where it was counted.
    if (!ticket.startsWith('r:')) return this.#fallback.refund(rules, ticket);
    await this.#link.run((client) => client.eval(REFUND_SCRIPT, { keys: rules.map((rule) => PREFIX + rule.key), arguments: [ticket] }));
  }

  async reset(keys: readonly string[]): Promise<void> {
    await this.#fallback.reset(keys);
    if (keys.length > 0) await this.#link.run((client) => client.del(keys.map((key) => PREFIX + key)));
  }

  async resetPrefix(prefix: string): Promise<number> {
    await this.#fallback.resetPrefix(prefix);
    const found = await this.#link.run(async (client) => {
      let dropped = 0;
      for await (const batch of client.scanIterator({ MATCH: `${PREFIX}${prefix}*`, COUNT: 500 })) {
        const keys = Array.isArray(batch) ? batch : [batch];
        if (keys.length > 0) dropped += await client.del(keys);
      }
      return dropped;
    });
    return found ?? 0;
  }

  async mark(key: string, ttlSeconds: number, nowMs: number): Promise<void> {
    await this.#fallback.mark(key, ttlSeconds, nowMs);
    await this.#link.run((client) => client.set(PREFIX + key, '1', { expiration: { type: 'PX', value: ttlSeconds * 1000 } }));
  }

  async isMarked(key: string, nowMs: number): Promise<boolean> {
    const found = await this.#link.run((client) => client.exists(PREFIX + key));
    return typeof found === 'number' ? found > 0 : this.#fallback.isMarked(key, nowMs);
  }

  async close(): Promise<void> {
    await this.#fallback.close();
  }
}
