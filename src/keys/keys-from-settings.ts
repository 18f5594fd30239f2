/**
 * The keys settings configure: SIGNING_KEY (with VERIFYING_KEY), and VERIFYING_KEYS. Every
 * failure is a `ConfigError` naming the setting, raised at start-up: a key that does not fit
 * ALGORITHM, an RSA key under 2048 bits or with exponent 1, an HMAC secret where a private key is
 * needed and the reverse, a VERIFYING_KEY that is not SIGNING_KEY's pair, duplicate kids, or
 * HMAC and public keys mixed.
 */
import type { KeySettings } from './key-settings.js';
import { ConfigError } from '../errors.js';
import { isHmacAlgorithm, isSupportedAlgorithm, type Algorithm } from '../tokens/algorithms.js';
import type { JwkObject } from '../tokens/jwk.js';
import type { TokenKey } from '../tokens/signing-key.js';
import { keyFromJwk, keyFromText, type KeyImportOptions } from './import-key.js';
import { Keyring } from './keyring.js';

export interface ConfiguredKeys {
  /**
   * SIGNING_KEY's key (or, without one, VERIFYING_KEY's): it signs unless the database has an
   * active key, and it verifies tokens without `kid`. `undefined` when neither is set (an
   * asymmetric ALGORITHM whose keys all live in the database or behind JWK_URL).
   */
  readonly primary: TokenKey | undefined;
  /** VERIFYING_KEYS: verification only. */
  readonly verifying: readonly TokenKey[];
}

/**
 * Builds and checks the keys `settings` configure.
 *
 * @throws {ConfigError} naming the setting at fault.
 */
export function keysFromSettings(settings: KeySettings): ConfiguredKeys {
  const algorithm = settings.ALGORITHM;
  const kid = settings.SIGNING_KEY_ID ?? undefined;
  const signing =
    settings.SIGNING_KEY === ''
      ? undefined
      : // SIGNING_KEY's HMAC length rule is loadSettings' (a warning outside production).
        imported('SIGNING_KEY', () => keyFromText(settings.SIGNING_KEY, algorithm, { role: 'sign', kid, enforceHmacLength: false }));
  const verifying =
    isHmacAlgorithm(algorithm) || settings.VERIFYING_KEY === ''
      ? undefined
      : imported('VERIFYING_KEY', () => keyFromText(settings.VERIFYING_KEY, algorithm, { role: 'verify', kid: signing?.kid ?? kid }));
  if (signing !== undefined && verifying !== undefined && !samePublicJwk(signing, verifying)) {
    throw new ConfigError('VERIFYING_KEY', 'is not the public key of SIGNING_KEY: tokens it signs would not verify');
  }
  const primary = signing ?? verifying;

  const others = settings.VERIFYING_KEYS.map((jwk, index) =>
    imported(`VERIFYING_KEYS`, () => verifyingKeyFromJwk(jwk, algorithm), `key ${index + 1}`),
  );
  try {
    new Keyring({ defaultKey: primary, keys: others });
  } catch (error) {
    throw new ConfigError('VERIFYING_KEYS', (error as Error).message);
  }
  return { primary, verifying: others };
}

/**
 * A VERIFYING_KEYS entry: bound to its own `alg` when it names a supported one (a previous key
 * may predate a change of algorithm), else to ALGORITHM. An HMAC key needs its `kid`; a public
 * key without one is named by its thumbprint, the kid Tessera signed it with.
 */
export function verifyingKeyFromJwk(jwk: JwkObject, algorithm: Algorithm, options: Partial<KeyImportOptions> = {}): TokenKey {
  const alg = jwk.alg === 'ES521' ? 'ES512' : jwk.alg;
  const bound = typeof alg === 'string' && isSupportedAlgorithm(alg) ? alg : algorithm;
  if (isHmacAlgorithm(bound) && typeof jwk.kid !== 'string') throw new TypeError('an HMAC key in a key set needs a "kid"');
  return keyFromJwk(jwk, bound, { role: 'verify', ...options });
}

function imported(setting: string, build: () => TokenKey, where?: string): TokenKey {
  try {
    return build();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(setting, `${where === undefined ? '' : `${where}: `}${(error as Error).message}`);
  }
}

function samePublicJwk(a: TokenKey, b: TokenKey): boolean {
  const [x, y] = [a.publicJwk(), b.publicJwk()];
  return (
    x !== undefined && y !== undefined && x.kty === y.kty && x.n === y.n && x.e === y.e && x.crv === y.crv && x.x === y.x && x.y === y.y
  );
}
