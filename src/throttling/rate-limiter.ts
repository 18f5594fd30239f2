/**
 * Counting events per key in a sliding window. The in-memory limiter serves one process; the
 * Redis one (issue 3) shares counters between instances through the same interface.
 */
import type { Rate } from './rate.js';

export interface RateLimiter {
  /** Whole seconds until `key` is under `rate` again; 0 when it is under it now. */
  retryAfter(key: string, rate: Rate, nowMs: number): Promise<number>;
  /** Counts one event for `key`. */
  hit(key: string, rate: Rate, nowMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Sliding-window log per key, in memory. Bounded: at most `maxKeys` keys (the oldest are
 * dropped first, as a Map keeps insertion order), and at most `rate.limit` timestamps a key.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #events = new Map<string, number[]>();
  readonly #maxKeys: number;

  constructor(options: { maxKeys?: number } = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  async retryAfter(key: string, rate: Rate, nowMs: number): Promise<number> {
    const events = this.#recent(key, rate, nowMs);
    if (events.length < rate.limit) return 0;
    const oldest = events[events.length - rate.limit] ?? nowMs;
    return Math.max(1, Math.ceil((oldest + rate.windowSeconds * 1000 - nowMs) / 1000));
  }

  async hit(key: string, rate: Rate, nowMs: number): Promise<void> {
    const events = this.#recent(key, rate, nowMs);
    events.push(nowMs);
    if (events.length > rate.limit) events.splice(0, events.length - rate.limit);
    // Re-insert so the Map's order is least-recently-hit first.
    this.#events.delete(key);
    this.#events.set(key, events);
    if (this.#events.size > this.#maxKeys) {
      const oldestKey = this.#events.keys().next().value;
      if (oldestKey !== undefined) this.#events.delete(oldestKey);
    }
  }

  async close(): Promise<void> {
    this.#events.clear();
  }

  #recent(key: string, rate: Rate, nowMs: number): number[] {
    const events = this.#events.get(key);
    if (events === undefined) return [];
    const windowStart = nowMs - rate.windowSeconds * 1000;
    while (events.length > 0 && (events[0] ?? 0) <= windowStart) events.shift();
    return events;
  }
}
