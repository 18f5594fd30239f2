/**
 * Counting attempts per key, so that a limit holds however many attempts arrive at once.
 *
 * The one operation that matters is {@link RateLimiter.reserve}: it looks at every rule of an
 * attempt and, only if all of them have room, counts the attempt against each, in one atomic
 * step (synchronous code in memory, one Lua script in Redis). The attempt is counted BEFORE the
 * expensive or guessable part (a password check) runs, so N concurrent attempts against a limit
 * L get at most L grants: the old check-then-count order let every request in flight pass the
 * check before any was counted (issue 12: 500 concurrent guesses, 500 passwords checked).
 * What turns out not to deserve counting (a login that succeeded, an attempt the server never
 * checked) is given back afterwards with {@link RateLimiter.refund} or {@link RateLimiter.reset}.
 *
 * The in-memory limiter serves one process; the Redis one shares counters between instances
 * through the same interface.
 */
import type { Rate } from './rate.js';

/** How one rule counts. */
export type ThrottleRule = WindowRule | BackoffRule;

/** At most `rate.limit` attempts in any `rate.windowSeconds` (a sliding-window log). */
export interface WindowRule {
  readonly kind: 'window';
  /** A fixed-size key (`throttle-keys.ts`): never attacker-chosen text of any length. */
  readonly key: string;
  readonly rate: Rate;
}

/**
 * `rate.limit` consecutive attempts are free; after them one more is allowed per delay, the
 * delay starting at `rate.windowSeconds` and doubling at each further attempt up to
 * `maxDelaySeconds`. Attempts are forgotten `forgetSeconds` after the last one (or by a reset).
 */
export interface BackoffRule {
  readonly kind: 'backoff';
  readonly key: string;
  readonly rate: Rate;
  readonly maxDelaySeconds: number;
  readonly forgetSeconds: number;
}

/** What {@link RateLimiter.reserve} decided. */
export type Reservation =
  | { readonly granted: true; /** Names the counted events, for `refund`. */ readonly ticket: string }
  | { readonly granted: false; /** Whole seconds until every rule has room again (at least 1). */ readonly retryAfter: number };

export interface RateLimiter {
  /**
   * Atomically: when every rule has room, counts one attempt against each and grants it;
   * otherwise counts nothing and says how long to wait. No rules: always granted.
   */
  reserve(rules: readonly ThrottleRule[], nowMs: number): Promise<Reservation>;
  /** Takes back the attempt a granted reservation counted against `rules`. */
  refund(rules: readonly ThrottleRule[], ticket: string): Promise<void>;
  /** Forgets everything counted under `keys` (a reset after success, an administrator's unlock). */
  reset(keys: readonly string[]): Promise<void>;
  /** Forgets every key starting with `prefix`; answers how many there were. */
  resetPrefix(prefix: string): Promise<number>;
  /** Remembers `key` for `ttlSeconds` (the addresses a user has logged in from). */
  mark(key: string, ttlSeconds: number, nowMs: number): Promise<void>;
  /** Whether `key` was marked and has not expired. */
  isMarked(key: string, nowMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** How long, in ms, a rule's events matter after the last one. */
export function horizonMs(rule: ThrottleRule): number {
  return (rule.kind === 'window' ? rule.rate.windowSeconds : rule.forgetSeconds) * 1000;
}

/** Most events a key keeps: a window needs its last `limit`; a backoff stops doubling long before 40 more. */
export function maxEventsKept(rule: ThrottleRule): number {
  return rule.kind === 'window' ? rule.rate.limit : rule.rate.limit + 40;
}

/**
 * Milliseconds until `rule` has room for one more attempt, given its events' times (oldest
 * first, already limited to the rule's horizon); 0 when it has room now. The Redis script
 * computes the same thing (`redis-rate-limiter.ts`); the unit tests pin both.
 */
export function waitMs(rule: ThrottleRule, times: readonly number[], nowMs: number): number {
  const count = times.length;
  const { limit, windowSeconds } = rule.rate;
  if (count < limit) return 0;
  if (rule.kind === 'window') return Math.max(0, (times[count - limit] ?? nowMs) + windowSeconds * 1000 - nowMs);
  const delayMs = Math.min(windowSeconds * 1000 * 2 ** (count - limit), rule.maxDelaySeconds * 1000);
  return Math.max(0, (times[count - 1] ?? nowMs) + delayMs - nowMs);
}

/** Whole seconds for `Retry-After` and DRF's message: never 0 for a refusal. */
export function toRetryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
