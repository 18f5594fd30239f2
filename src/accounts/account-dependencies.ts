/**
 * What the account use cases (password change and reset, email verification) read, and nothing
 * else. The http layer's `TesseraContext` satisfies these types, so callers pass it as it is and
 * the compiler checks that it fits.
 */
import type { AuthEventSink } from '../model/auth-events.js';
import type { Mailer } from '../mail/mailer.js';
import type { EndSessionsDependencies } from '../sessions/session-dependencies.js';
import type { CachedStore } from '../stores/user-cache.js';
import type { LoginThrottleSettings, RecoveryThrottleSettings, ThrottleDependencies } from '../throttling/throttle-dependencies.js';

/** The account settings (`config/settings.ts` documents each one), with those of the throttles they call. */
export interface AccountSettings extends LoginThrottleSettings, RecoveryThrottleSettings {
  readonly SECRET_KEY: string;
  readonly PASSWORD_RESET_TIMEOUT: number;
  readonly PASSWORD_RESET_CONFIRM_URL: string | null;
  readonly ACCOUNT_EMAIL_VERIFICATION: 'none' | 'optional' | 'mandatory';
  readonly ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS: number;
  readonly ACCOUNT_EMAIL_CONFIRMATION_URL: string | null;
}

/** Settings, throttle counters and clock, the store (with its account methods), the mailer and the event sink. */
export interface AccountDependencies extends ThrottleDependencies<AccountSettings> {
  readonly store: CachedStore;
  readonly mail: Pick<Mailer, 'render' | 'queue'>;
  readonly events: Pick<AuthEventSink, 'emit'>;
}

/** A password change or reset ends every session of the user: it also needs what that takes. */
export type PasswordReplacementDependencies = AccountDependencies & EndSessionsDependencies;
