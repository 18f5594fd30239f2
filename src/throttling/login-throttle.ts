/**
 * Layered login throttling (issue 12, NIST SP 800-63B §5.2.2), reserved before the password is
 * checked. Three rules, each a DRF rate setting (`off` turns one off):
 *
 * 1. THROTTLE_LOGIN_ACCOUNT_ADDRESS (default `5/minute`), per account and address: a handful of
 *    failures, then one more per delay that doubles (1 min, 2, 4, ... up to an hour). Stops a
 *    burst against one account at once, and a real user's typos cost them a minute.
 * 2. THROTTLE_LOGIN_IP (default `300/hour`), per address across accounts: credential stuffing.
 * 3. THROTTLE_LOGIN_ACCOUNT (default `100/day`), per account across all addresses: at most 100
 *    consecutive failures (NIST's bound). An address the user has logged in from before (kept
 *    LOGIN_KNOWN_ADDRESS_LIFETIME, as an HMAC) is exempt from this rule, NIST's own mitigation
 *    for lock-out abuse: attacks from elsewhere cannot lock the real user out of their usual
 *    address (issue 12: 100 guesses at `KYOKO` locked kyoko out for an hour).
 *
 * Every rule counts failures only: a successful login gives back its reservation under rule 2
 * and resets rules 1 and 3 (the account's consecutive count). An attempt the server never
 * checked (the hash queue was full: 503) is given back everywhere.
 */
import { TesseraError } from '../errors.js';
import { parseRate, throttledMessage } from './rate.js';
import type { RateLimiter, ThrottleRule } from './rate-limiter.js';
import type { LoginThrottleSettings, ThrottleDependencies } from './throttle-dependencies.js';
import { accountHash, addressHash, knownAddressKey } from './throttle-keys.js';

/** The longest wait rule 1 ever asks for between two failures. */
export const ACCOUNT_ADDRESS_MAX_DELAY_SECONDS = 3600;
/** Rule 1 forgets failures this long after the last one. */
export const ACCOUNT_ADDRESS_FORGET_SECONDS = 86_400;

/** What can be said of one login attempt once it has been checked. */
export type LoginOutcome = 'failed' | 'succeeded' | 'unchecked';

/** A reserved login attempt: settle it once the password has been checked (or not). */
export interface LoginAttempt {
  settle(outcome: LoginOutcome): Promise<void>;
}

/** The keys under which one account's locks live: its own, and every `account+address` one. */
export function accountLockKeys(login: string): { accountKey: string; accountAddressPrefix: string } {
  const account = accountHash(login);
  return { accountKey: `login:a:${account}`, accountAddressPrefix: `login:aa:${account}:` };
}

/** The key throttled attempts are aggregated under for the audit trail: the account and the address. */
export function throttledAttemptKey(login: string, ip: string | undefined): string {
  return `${accountLockKeys(login).accountKey}\u0000${ip ?? ''}`;
}

function loginRules(settings: LoginThrottleSettings, login: string, ip: string | undefined, knownAddress: boolean) {
  const { accountKey, accountAddressPrefix } = accountLockKeys(login);
  const burst = parseSetting(settings.THROTTLE_LOGIN_ACCOUNT_ADDRESS);
  const perAddress = parseSetting(settings.THROTTLE_LOGIN_IP);
  const perAccount = parseSetting(settings.THROTTLE_LOGIN_ACCOUNT);
  const resetOnSuccess: ThrottleRule[] = [];
  const refundOnSuccess: ThrottleRule[] = [];
  // Without an address (a library caller that passes none) there is no burst rule: shared by
  // every client, five failures would lock the account for everyone.
  if (burst !== undefined && ip !== undefined) {
    const key = `${accountAddressPrefix}${addressHash(ip)}`;
    resetOnSuccess.push({
      kind: 'backoff',
      key,
      rate: burst,
      maxDelaySeconds: ACCOUNT_ADDRESS_MAX_DELAY_SECONDS,
      forgetSeconds: ACCOUNT_ADDRESS_FORGET_SECONDS,
    });
  }
  if (perAddress !== undefined && ip !== undefined)
    refundOnSuccess.push({ kind: 'window', key: `login:ip:${addressHash(ip)}`, rate: perAddress });
  if (perAccount !== undefined && !knownAddress) resetOnSuccess.push({ kind: 'window', key: accountKey, rate: perAccount });
  return { resetOnSuccess, refundOnSuccess };
}

function parseSetting(rate: string | null) {
  return rate === null ? undefined : parseRate(rate);
}

/** DRF's 429, with `Retry-After` saying the same wait as the message. */
export function throttledError(retryAfter: number): TesseraError {
  return new TesseraError('throttled', { detail: throttledMessage(retryAfter) }, { headers: { 'retry-after': String(retryAfter) } });
}

/**
 * Reserves one login attempt for `login` from `ip` under every rule, or throws DRF's 429 (with
 * `Retry-After`) without counting anything. Call it before the password is checked; settle the
 * returned attempt after.
 *
 * @example
 * ```ts
 * const attempt = await reserveLoginAttempt(context, username, request.ip);
 * const user = await checkCredentials(context, username, password).catch(async (error) => {
 *   await attempt.settle('unchecked');
 *   throw error;
 * });
 * await attempt.settle(user === undefined ? 'failed' : 'succeeded');
 * ```
 */
export async function reserveLoginAttempt(
  context: ThrottleDependencies<LoginThrottleSettings>,
  login: string,
  ip: string | undefined,
): Promise<LoginAttempt> {
  const { settings, limiter } = context;
  const nowMs = context.codec.now();
  const knownKey = ip === undefined ? undefined : knownAddressKey(settings.SECRET_KEY, login, ip);
  const knownAddress = knownKey !== undefined && (await limiter.isMarked(knownKey, nowMs));
  const { resetOnSuccess, refundOnSuccess } = loginRules(settings, login, ip, knownAddress);
  const rules = [...resetOnSuccess, ...refundOnSuccess];
  const reservation = await limiter.reserve(rules, nowMs);
  if (!reservation.granted) throw throttledError(reservation.retryAfter);
  return {
    settle: settleOnce(async (outcome: LoginOutcome) => {
      if (outcome === 'failed') return;
      if (outcome === 'unchecked') return limiter.refund(rules, reservation.ticket);
      await limiter.refund(refundOnSuccess, reservation.ticket);
      // The account's consecutive count starts again, whichever address proved the password.
      const { accountKey } = accountLockKeys(login);
      await limiter.reset([...resetOnSuccess.map((rule) => rule.key), accountKey]);
      if (knownKey !== undefined) await limiter.mark(knownKey, settings.LOGIN_KNOWN_ADDRESS_LIFETIME, context.codec.now());
    }),
  };
}

/**
 * An administrator's unlock: forgets the account's consecutive failures and its per-address
 * bursts (console "Clear login locks", `tessera throttle clear USERNAME`). Answers how many
 * counters were dropped.
 */
export async function clearAccountLocks(context: { readonly limiter: RateLimiter }, login: string): Promise<number> {
  const { accountKey, accountAddressPrefix } = accountLockKeys(login);
  const bursts = await context.limiter.resetPrefix(accountAddressPrefix);
  const hadAccount = (await context.limiter.resetPrefix(accountKey)) > 0 ? 1 : 0;
  return bursts + hadAccount;
}

/** Forgets an address's failures across accounts (`tessera throttle clear --address IP`). */
export async function clearAddressLocks(context: { readonly limiter: RateLimiter }, ip: string): Promise<number> {
  return context.limiter.resetPrefix(`login:ip:${addressHash(ip)}`);
}

/**
 * A reservation's settle function that acts once: a request settles its attempt on every path
 * out (success, failure, an error before the check), and only the first call may refund or reset.
 */
export function settleOnce<Outcome extends string>(settle: (outcome: Outcome) => Promise<void>): (outcome: Outcome) => Promise<void> {
  let settled = false;
  return async (outcome) => {
    if (settled) return;
    settled = true;
    await settle(outcome);
  };
}
