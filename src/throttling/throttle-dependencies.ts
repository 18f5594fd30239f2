/**
 * What the throttles read, and nothing else: their rates (`config/settings.ts` documents each
 * one), the rate limiter and the clock. The http layer's `TesseraContext` satisfies these
 * interfaces, so callers pass it as it is and the compiler checks that it fits.
 */
import type { TokenCodec } from '../tokens/token-codec.js';
import type { RateLimiter } from './rate-limiter.js';

/** The login throttle's rates (DRF notation, `null` for off), its known-address lifetime and the HMAC secret. */
export interface LoginThrottleSettings {
  readonly THROTTLE_LOGIN_ACCOUNT_ADDRESS: string | null;
  readonly THROTTLE_LOGIN_IP: string | null;
  readonly THROTTLE_LOGIN_ACCOUNT: string | null;
  readonly LOGIN_KNOWN_ADDRESS_LIFETIME: number;
  readonly SECRET_KEY: string;
}

/** The account-recovery throttle's rates. */
export interface RecoveryThrottleSettings {
  readonly THROTTLE_PASSWORD_RESET_ACCOUNT: string | null;
  readonly THROTTLE_PASSWORD_RESET_IP: string | null;
}

/** The registration throttle's rate. */
export interface RegistrationThrottleSettings {
  readonly THROTTLE_REGISTER_IP: string | null;
}

/** A throttle's settings, the limiter holding its counters, and the clock (`codec.now()`, in milliseconds). */
export interface ThrottleDependencies<Settings> {
  readonly settings: Settings;
  readonly limiter: RateLimiter;
  readonly codec: Pick<TokenCodec, 'now'>;
}
