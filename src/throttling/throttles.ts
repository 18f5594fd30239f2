/**
 * The throttles Tessera applies (simplejwt has none; DRF users add them by hand):
 * - failed logins per submitted username, whether or not the account exists (so throttling
 *   reveals nothing), and per client address;
 * - registration attempts per client address.
 * A throttled request gets DRF's 429 with `Retry-After`, before any password is hashed.
 */
import { TesseraError } from '../errors.js';
import { parseRate, throttledMessage, type Rate } from './rate.js';
import type { RateLimiter } from './rate-limiter.js';

/** The throttle rates (`null` turns one off). */
export interface ThrottleSettings {
  readonly THROTTLE_LOGIN_ACCOUNT: string | null;
  readonly THROTTLE_LOGIN_IP: string | null;
  readonly THROTTLE_REGISTER_IP: string | null;
}

/** What the throttles need: their rates, the counters, and the clock (the codec's, in tests a fake one). */
export interface ThrottleContext {
  readonly settings: ThrottleSettings;
  readonly limiter: RateLimiter;
  readonly codec: { now(): number };
}

interface ThrottleKey {
  readonly key: string;
  readonly rate: Rate;
}

function keyFor(setting: string | null, key: string): ThrottleKey[] {
  const rate = setting === null ? undefined : parseRate(setting);
  return rate === undefined ? [] : [{ key, rate }];
}

/** Usernames are compared case-insensitively here so `Alice` and `alice` share one budget. */
function loginKeys(context: ThrottleContext, login: string, ip: string | undefined): ThrottleKey[] {
  const { settings } = context;
  return [
    ...keyFor(settings.THROTTLE_LOGIN_ACCOUNT, `login:account:${login.toLowerCase()}`),
    ...(ip === undefined ? [] : keyFor(settings.THROTTLE_LOGIN_IP, `login:ip:${ip}`)),
  ];
}

async function refuseIfOverLimit(context: ThrottleContext, keys: readonly ThrottleKey[]): Promise<void> {
  const nowMs = context.codec.now();
  let wait = 0;
  for (const { key, rate } of keys) wait = Math.max(wait, await context.limiter.retryAfter(key, rate, nowMs));
  if (wait > 0) {
    throw new TesseraError('throttled', { detail: throttledMessage(wait) }, { headers: { 'retry-after': String(wait) } });
  }
}

async function count(context: ThrottleContext, keys: readonly ThrottleKey[]): Promise<void> {
  const nowMs = context.codec.now();
  for (const { key, rate } of keys) await context.limiter.hit(key, rate, nowMs);
}

/** Refuses a login attempt while its username or address has used up its failures. */
export function checkLoginThrottle(context: ThrottleContext, login: string, ip: string | undefined): Promise<void> {
  return refuseIfOverLimit(context, loginKeys(context, login, ip));
}

/** Counts a failed login against its username and address. */
export function countLoginFailure(context: ThrottleContext, login: string, ip: string | undefined): Promise<void> {
  return count(context, loginKeys(context, login, ip));
}

/** Refuses, or counts, a registration attempt from `ip`. */
export async function throttleRegistration(context: ThrottleContext, ip: string | undefined): Promise<void> {
  if (ip === undefined) return;
  const keys = keyFor(context.settings.THROTTLE_REGISTER_IP, `register:ip:${ip}`);
  await refuseIfOverLimit(context, keys);
  await count(context, keys);
}
