/**
 * The per-process {@link RateLimiter}: a sliding log of event times per key, in memory.
 *
 * Memory is bounded three ways, because the keys are what an attacker sends (issue 12: failed
 * logins with distinct 1 MB usernames took RSS from 100 MB to 480 MB, and it stayed):
 * - keys are fixed-size hashes (`throttle-keys.ts`), never the submitted text;
 * - a key holds at most `maxEventsKept(rule)` events, and is dropped once its horizon (the
 *   window, or a backoff's forget time) has passed since its last event: entries are grouped
 *   by horizon, and within a group the Map's order is last-touched first, which is also expiry
 *   order, so each call sweeps the expired front of the groups it touches in O(expired);
 * - at most `maxKeys` keys per group: past it, the least recently touched key is dropped.
 */
import { randomUUID } from 'node:crypto';
import {
  horizonMs,
  maxEventsKept,
  toRetryAfterSeconds,
  waitMs,
  type RateLimiter,
  type Reservation,
  type ThrottleRule,
} from './rate-limiter.js';

interface Entry {
  readonly times: number[];
  readonly ids: string[];
  /** When the entry may be dropped: its last event plus the group's horizon. */
  expiresAt: number;
}

/** Keys sharing one horizon, least recently touched first. */
type Group = Map<string, Entry>;

export class MemoryRateLimiter implements RateLimiter {
  readonly #groups = new Map<number, Group>();
  /** Which group holds a key, so `reset` and `refund` find it without knowing the rule. */
  readonly #groupOf = new Map<string, number>();
  readonly #maxKeys: number;

  /** @param options.maxKeys most keys kept per horizon group. @default 100000 */
  constructor(options: { maxKeys?: number } = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  reserve(rules: readonly ThrottleRule[], nowMs: number): Promise<Reservation> {
    return Promise.resolve(this.reserveNow(rules, nowMs));
  }

  /** {@link reserve} without the promise: the check and the count happen in one synchronous step. */
  reserveNow(rules: readonly ThrottleRule[], nowMs: number): Reservation {
    let wait = 0;
    for (const rule of rules) wait = Math.max(wait, waitMs(rule, this.#live(rule, nowMs)?.times ?? [], nowMs));
    if (wait > 0) return { granted: false, retryAfter: toRetryAfterSeconds(wait) };
    const ticket = `m:${nowMs}:${randomUUID()}`;
    for (const rule of rules) this.#append(rule, nowMs, ticket);
    return { granted: true, ticket };
  }

  refund(rules: readonly ThrottleRule[], ticket: string): Promise<void> {
    for (const rule of rules) {
      const entry = this.#find(rule.key);
      const at = entry?.ids.indexOf(ticket) ?? -1;
      if (entry === undefined || at < 0) continue;
      entry.times.splice(at, 1);
      entry.ids.splice(at, 1);
    }
    return Promise.resolve();
  }

  reset(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.#drop(key);
    return Promise.resolve();
  }

  /** Forgets every key that starts with `prefix` (an administrator clearing one account's locks). */
  resetPrefix(prefix: string): Promise<number> {
    let dropped = 0;
    for (const key of [...this.#groupOf.keys()]) {
      if (key.startsWith(prefix)) {
        this.#drop(key);
        dropped++;
      }
    }
    return Promise.resolve(dropped);
  }

  mark(key: string, ttlSeconds: number, nowMs: number): Promise<void> {
    const group = this.#group(ttlSeconds * 1000, nowMs);
    group.delete(key);
    group.set(key, { times: [], ids: [], expiresAt: nowMs + ttlSeconds * 1000 });
    this.#groupOf.set(key, ttlSeconds * 1000);
    this.#bound(group);
    return Promise.resolve();
  }

  isMarked(key: string, nowMs: number): Promise<boolean> {
    const entry = this.#find(key);
    return Promise.resolve(entry !== undefined && entry.expiresAt > nowMs);
  }

  close(): Promise<void> {
    this.#groups.clear();
    this.#groupOf.clear();
    return Promise.resolve();
  }

  /** Number of keys held (all groups); for tests and figures. */
  get size(): number {
    return this.#groupOf.size;
  }

  /** The rule's entry with its events older than the horizon dropped; `undefined` when none is left. */
  #live(rule: ThrottleRule, nowMs: number): Entry | undefined {
    this.#group(horizonMs(rule), nowMs);
    const entry = this.#find(rule.key);
    if (entry === undefined) return undefined;
    const start = nowMs - horizonMs(rule);
    let stale = 0;
    while (stale < entry.times.length && (entry.times[stale] ?? 0) <= start) stale++;
    if (stale > 0) {
      entry.times.splice(0, stale);
      entry.ids.splice(0, stale);
    }
    return entry;
  }

  #append(rule: ThrottleRule, nowMs: number, ticket: string): void {
    const horizon = horizonMs(rule);
    const group = this.#group(horizon, nowMs);
    const entry = group.get(rule.key) ?? { times: [], ids: [], expiresAt: 0 };
    entry.times.push(nowMs);
    entry.ids.push(ticket);
    const excess = entry.times.length - maxEventsKept(rule);
    if (excess > 0) {
      entry.times.splice(0, excess);
      entry.ids.splice(0, excess);
    }
    entry.expiresAt = nowMs + horizon;
    // Re-inserted so the group's order stays last-touched first (= expiry order).
    group.delete(rule.key);
    group.set(rule.key, entry);
    this.#groupOf.set(rule.key, horizon);
    this.#bound(group);
  }

  /** The group of `horizon`, with its expired front swept. */
  #group(horizon: number, nowMs: number): Group {
    let group = this.#groups.get(horizon);
    if (group === undefined) {
      group = new Map();
      this.#groups.set(horizon, group);
    }
    for (const [key, entry] of group) {
      if (entry.expiresAt > nowMs) break;
      group.delete(key);
      this.#groupOf.delete(key);
    }
    return group;
  }

  #bound(group: Group): void {
    while (group.size > this.#maxKeys) {
      const oldest = group.keys().next().value;
      if (oldest === undefined) return;
      group.delete(oldest);
      this.#groupOf.delete(oldest);
    }
  }

  #find(key: string): Entry | undefined {
    const horizon = this.#groupOf.get(key);
    return horizon === undefined ? undefined : this.#groups.get(horizon)?.get(key);
  }

  #drop(key: string): void {
    const horizon = this.#groupOf.get(key);
    if (horizon === undefined) return;
    this.#groups.get(horizon)?.delete(key);
    this.#groupOf.delete(key);
  }
}
