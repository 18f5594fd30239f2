/**
 * The settings the key modules read (`config/settings.ts` documents each one and builds them:
 * the full `Settings` satisfies these interfaces).
 */
import type { Algorithm } from '../tokens/algorithms.js';
import type { JwkObject } from '../tokens/jwk.js';

/** Which keys sign and verify: from settings, the database, and JWK_URL. */
export interface KeySettings {
  readonly ALGORITHM: Algorithm;
  readonly SIGNING_KEY: string;
  readonly VERIFYING_KEY: string;
  readonly VERIFYING_KEYS: readonly JwkObject[];
  readonly SIGNING_KEY_ID: string | null;
  readonly JWK_URL: string | null;
  readonly KEY_POLL_INTERVAL: number;
}

/** How long a key rollover waits: for the JWKS to be seen, and for tokens signed by the old key to expire. */
export interface KeyRolloverSettings {
  readonly ALGORITHM: Algorithm;
  readonly JWKS_MAX_AGE: number;
  readonly KEY_POLL_INTERVAL: number;
  readonly LEEWAY: number;
  readonly ACCESS_TOKEN_LIFETIME: number;
  readonly REFRESH_TOKEN_LIFETIME: number;
  readonly SLIDING_TOKEN_LIFETIME: number;
  readonly AUTH_TOKEN_CLASSES: readonly string[];
}
