/**
 * `tessera/verifier`: token verification for a service that only verifies. Loads no database
 * driver, no query builder and no password hasher: a test lists the modules it loads.
 *
 * @example
 * ```ts
 * import { createVerifier } from 'tessera/verifier';
 * const verifier = createVerifier({ jwkUrl: 'https://auth.example/.well-known/jwks.json', algorithm: 'ES256' });
 * const user = await verifier.authenticateHeader(request.headers.authorization);
 * ```
 */
export { createVerifier, type Verifier, type VerifierOptions, type VerifierSettings } from './app/verifier.js';
export type { RevocationFeedOptions } from './app/revocation-list.js';
export type { RevocationFeed, FeedCutOff, FeedSession } from './model/revocation-feed.js';
export { RemoteKeySet, type RemoteKeySetOptions } from './keys/remote-key-set.js';
export { keyFromText, keyFromJwk } from './keys/import-key.js';
export { Keyring } from './keys/keyring.js';
export { tokenUserFromClaims, type TokenUser, type TokenUserSettings } from './auth/token-user.js';
export {
  TesseraError,
  TokenError,
  ConfigError,
  TOKEN_ERROR_REASONS,
  tokenErrorReasonOf,
  type ErrorCode,
  type ErrorStatus,
  type Json,
  type TokenErrorReason,
} from './errors.js';
export type { Claims, TokenType } from './tokens/token-codec.js';
export type { Algorithm } from './config/index.js';
export type { PublicJwk, PublicJwkSet } from './tokens/jwk.js';
