/**
 * `tessera/tokens`: the token layer alone (simplejwt's token codec, signing keys, key import),
 * for tools that mint or read tokens without a server. No database, no password hasher.
 *
 * @example
 * ```ts
 * import { HmacKey, TokenCodec } from 'tessera/tokens';
 * ```
 */
export { TokenCodec, type Claims, type TokenType } from './tokens/token-codec.js';
export { HmacKey, type TokenKey, type TokenKeys, type KeyResolver } from './tokens/signing-key.js';
export { AsymmetricKey } from './tokens/asymmetric-key.js';
export type { PublicJwk, PublicJwkSet } from './tokens/jwk.js';
export { keyFromText, keyFromJwk } from './keys/import-key.js';
export { TokenError, TOKEN_ERROR_REASONS, TOKEN_MESSAGES, type TokenErrorReason } from './errors.js';
export type { Algorithm } from './config/index.js';
