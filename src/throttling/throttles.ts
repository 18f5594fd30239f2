/**
 * The throttles Tessera applies (simplejwt has none; DRF users add them by hand):
 * - failed logins per submitted username, whether or not the account exists (so throttling
 *   reveals nothing), and per client address;
 * - registration attempts per client address.
 * A throttled request gets DRF's 429 with `Retry-After`, before any password is hashed.
 */
import type { TesseraContext } from '../http/context.js';
import { TesseraError } from '../errors.js';
import { parseRate, throttledMessage, type Rate } from './rate.js';

interface ThrottleKey {
  readonly key: string;
  readonly rate: Rate;
}

function keyFor(setting: string | null, key: string): ThrottleKey[] {
  const rate = setting === null ? undefined : parseRate(setting);
  return rate === undefined ? [] : [{ key, rate }];
}

/** Usernames are compared case-insensitively here so `Alice` and `alice` share one budget. */
function loginKeys(context: TesseraContext, login: string, ip: string | undefined): ThrottleKey[] {
  const { settings } = context;
  return [
    ...keyFor(settings.THROTTLE_LOGIN_ACCOUNT, `login:account:${login.toLowerCase()}`),
    ...(ip === undefined ? [] : keyFor(settings.THROTTLE_LOGIN_IP, `login:ip:${ip}`)),
  ];
}

async function refuseIfOverLimit(context: TesseraContext, keys: readonly ThrottleKey[]): Promise<void> {
  const nowMs = context.codec.now();
  let wait = 0;
  for (const { key, rate } of keys) wait = Math.max(wait, await context.limiter.retryAfter(key, rate, nowMs));
  if (wait > 0) {
    throw new TesseraError('throttled', { detail: throttledMessage(wait) }, { headers: { 'retry-after': String(wait) } });
  }
}

async function count(context: TesseraContext, keys: readonly ThrottleKey[]): Promise<void> {
  const nowMs = context.codec.now();
  for (const { key, rate } of keys) await context.limiter.hit(key, rate, nowMs);
}

/** Refuses a login attempt while its username or address has used up its failures. */
export function checkLoginThrottle(context: TesseraContext, login: string, ip: string | undefined): Promise<void> {
  return refuseIfOverLimit(context, loginKeys(context, login, ip));
}

/** Counts a failed login against its username and address. */
export function countLoginFailure(context: TesseraContext, login: string, ip: string | undefined): Promise<void> {
  return count(context, loginKeys(context, login, ip));
}

/** Refuses, or counts, a registration attempt from `ip`. */
export async function throttleRegistration(context: TesseraContext, ip: string | undefined): Promise<void> {
  if (ip === undefined) return;
  const keys = keyFor(context.settings.THROTTLE_REGISTER_IP, `register:ip:${ip}`);
  await refuseIfOverLimit(context, keys);
  await count(context, keys);
}

/**
 * Keys for account-recovery throttles: per submitted address or account (whether or not it
 * exists: the limit reveals nothing) and per client address, with the password-reset rates.
 */
function recoveryKeys(context: TesseraContext, purpose: string, account: string, ip: string | undefined): ThrottleKey[] {
  const { settings } = context;
  return [
    ...keyFor(settings.THROTTLE_PASSWORD_RESET_ACCOUNT, `${purpose}:account:${account.toLowerCase()}`),
    ...(ip === undefined ? [] : keyFor(settings.THROTTLE_PASSWORD_RESET_IP, `${purpose}:ip:${ip}`)),
  ];
}

/**
 * Refuses, or counts, a request that may send a mail (`reset`: a password-reset mail, `verify`:
 * a verification mail) to `email`: every request counts, so nobody can flood a mailbox.
 */
export async function throttleMailRequest(context: TesseraContext, purpose: 'reset' | 'verify', email: string, ip: string | undefined): Promise<void> {
  const keys = recoveryKeys(context, `mail-${purpose}`, email, ip);
  await refuseIfOverLimit(context, keys);
  await count(context, keys);
}

/** Refuses a password-reset confirmation while its uid or address has used up its failures. */
export function checkResetConfirmThrottle(context: TesseraContext, uid: string, ip: string | undefined): Promise<void> {
  return refuseIfOverLimit(context, recoveryKeys(context, 'reset-confirm', uid, ip));
}

/** Counts a failed password-reset confirmation (bad uid or token) against its uid and address. */
export function countResetConfirmFailure(context: TesseraContext, uid: string, ip: string | undefined): Promise<void> {
  return count(context, recoveryKeys(context, 'reset-confirm', uid, ip));
}
