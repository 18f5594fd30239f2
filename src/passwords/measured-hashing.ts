/**
 * Password work, measured: each hash or verification runs in a span (`tessera.password.hash` or
 * `.verify`) and reports its time, slot wait included, to the metrics
 * (`tessera_password_hash_duration_seconds`): a login flood shows up as the slots saturating.
 */
import { inSpan } from '../observability/tracing.js';

/** Where hashing times go (the event sink). */
export interface HashTimer {
  passwordHashed(operation: 'hash' | 'verify', seconds: number): void;
}

/**
 * Runs `work` (a hash or a verification) timed and traced.
 *
 * @example
 * ```ts
 * const hash = await measuredHashing(context.events, 'hash', () => hashPassword(plain));
 * ```
 */
export function measuredHashing<T>(timer: HashTimer, operation: 'hash' | 'verify', work: () => Promise<T>): Promise<T> {
  return inSpan(`tessera.password.${operation}`, {}, async () => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timer.passwordHashed(operation, (performance.now() - started) / 1000);
    }
  });
}
