/**
 * Account-recovery throttling (issue 16), reserved atomically before any work like the login
 * throttle, with two window rules: THROTTLE_PASSWORD_RESET_ACCOUNT per submitted address or
 * account, and THROTTLE_PASSWORD_RESET_IP per client address. Keys are hashes of what the
 * client sent (`throttle-keys.ts`), counted whether or not the account exists, so a 429 says
 * nothing about it.
 *
 * - Mail requests (a reset mail, a verification mail) count every request: nobody can flood
 *   a mailbox, whatever the answer.
 * - Reset confirmations count failures only (a bad uid or token); a confirmation that got as
 *   far as the password form gives its reservation back.
 */
import { settleOnce, throttledError } from './login-throttle.js';
import { parseRate } from './rate.js';
import type { ThrottleRule } from './rate-limiter.js';
import { accountHash, addressHash } from './throttle-keys.js';
import type { RecoveryThrottleSettings, ThrottleDependencies } from './throttle-dependencies.js';

type RecoveryThrottleContext = ThrottleDependencies<RecoveryThrottleSettings>;

function recoveryRules(context: RecoveryThrottleContext, purpose: string, account: string, ip: string | undefined): ThrottleRule[] {
  const { THROTTLE_PASSWORD_RESET_ACCOUNT: perAccount, THROTTLE_PASSWORD_RESET_IP: perAddress } = context.settings;
  const rules: ThrottleRule[] = [];
  const accountRate = perAccount === null ? undefined : parseRate(perAccount);
  if (accountRate !== undefined) rules.push({ kind: 'window', key: `${purpose}:a:${accountHash(account)}`, rate: accountRate });
  const addressRate = perAddress === null ? undefined : parseRate(perAddress);
  if (addressRate !== undefined && ip !== undefined)
    rules.push({ kind: 'window', key: `${purpose}:ip:${addressHash(ip)}`, rate: addressRate });
  return rules;
}

/** Counts a request that may send a mail of `purpose` to `email`, or throws DRF's 429. */
export async function throttleMailRequest(
  context: RecoveryThrottleContext,
  purpose: 'reset' | 'verify',
  email: string,
  ip: string | undefined,
): Promise<void> {
  const reservation = await context.limiter.reserve(recoveryRules(context, `mail-${purpose}`, email, ip), context.codec.now());
  if (!reservation.granted) throw throttledError(reservation.retryAfter);
}

/** A reserved reset confirmation: settle it once the uid and token have been judged. */
export interface ResetConfirmAttempt {
  settle(outcome: 'failed' | 'passed'): Promise<void>;
}

/** Reserves one confirmation attempt for `uid` from `ip`, or throws DRF's 429 counting nothing. */
export async function reserveResetConfirmation(
  context: RecoveryThrottleContext,
  uid: string,
  ip: string | undefined,
): Promise<ResetConfirmAttempt> {
  const rules = recoveryRules(context, 'reset-confirm', uid, ip);
  const reservation = await context.limiter.reserve(rules, context.codec.now());
  if (!reservation.granted) throw throttledError(reservation.retryAfter);
  return {
    settle: settleOnce(async (outcome: 'failed' | 'passed') => {
      if (outcome === 'failed') return;
      await context.limiter.refund(rules, reservation.ticket);
    }),
  };
}
