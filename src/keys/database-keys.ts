/**
 * Signing keys kept in the database (migration 0003), turned into keys a keyring holds: every
 * generated, active and inactive key verifies and is published; the active one signs, its
 * private key decrypted with the KEK. Retired keys are gone.
 */
import { createPrivateKey } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { isSignatureAlgorithm, type SignatureAlgorithm } from '../tokens/algorithms.js';
import { AsymmetricKey } from '../tokens/asymmetric-key.js';
import { parseJwkText } from '../tokens/jwk.js';
import type { TokenKey } from '../tokens/signing-key.js';
import type { KeyStore, StoredSigningKey } from '../model/store.js';
import { keyFromJwk } from './import-key.js';
import { KEY_ENCRYPTION_KEY_VARIABLE, type KeyEncryptionKey } from './key-encryption.js';

/** The keys the database holds, ready for a keyring. */
export interface DatabaseKeys {
  /** The active key, able to sign. */
  readonly active: TokenKey | undefined;
  /** Generated and inactive keys: they verify and are published, they do not sign. */
  readonly published: readonly TokenKey[];
  /** Changes whenever a key is added or changes state: polls rebuild nothing when it is equal. */
  readonly fingerprint: string;
}

export const NO_DATABASE_KEYS: DatabaseKeys = { active: undefined, published: [], fingerprint: '' };

/** A change a poll of the key table saw, as `tessera keys` made it (possibly in another process). */
export type KeyStateChange = 'generated' | 'activated' | 'retired';

/**
 * What changed in the key table between two reads, from their fingerprints (`kid:state` pairs of
 * the keys not retired): a new kid was generated (and activated, if it already signs), a kid
 * that became active was activated, a kid that left the table was retired.
 *
 * @example
 * ```ts
 * keyStateChanges(before, after); // ['generated', 'activated']
 * ```
 */
export function keyStateChanges(before: DatabaseKeys, after: DatabaseKeys): KeyStateChange[] {
  const statesOf = (keys: DatabaseKeys) =>
    new Map(
      keys.fingerprint
        .split(',')
        .filter(Boolean)
        .map((pair) => pair.split(':') as [string, string]),
    );
  const [was, now] = [statesOf(before), statesOf(after)];
  const changes: KeyStateChange[] = [];
  for (const [kid, state] of now) {
    const previous = was.get(kid);
    if (previous === undefined) changes.push('generated');
    if (state === 'active' && previous !== 'active') changes.push('activated');
  }
  for (const kid of was.keys()) if (!now.has(kid)) changes.push('retired');
  return changes;
}

/** The AAD context binding a sealed private key to its row. */
export function sealContext(key: Pick<StoredSigningKey, 'kid' | 'algorithm'>): string {
  return `${key.kid}:${key.algorithm}`;
}

/**
 * Reads the key table.
 *
 * @throws {ConfigError} when an active key exists but TESSERA_KEY_ENCRYPTION_KEY is missing or
 *   does not open it, or a row holds a key that cannot be used.
 */
export async function loadDatabaseKeys(store: KeyStore, kek: KeyEncryptionKey | undefined): Promise<DatabaseKeys> {
  const rows = (await store.listSigningKeys()).filter((row) => row.state !== 'retired');
  if (rows.length === 0) return NO_DATABASE_KEYS;
  let active: TokenKey | undefined;
  const published: TokenKey[] = [];
  for (const row of rows) {
    if (row.state === 'active') active = activeKeyOf(row, kek);
    else published.push(publicKeyOf(row));
  }
  return { active, published, fingerprint: rows.map((row) => `${row.kid}:${row.state}`).join(',') };
}

function checkedAlgorithm(row: StoredSigningKey): SignatureAlgorithm {
  if (!isSignatureAlgorithm(row.algorithm))
    throw new ConfigError('DATABASE_URL', `signing key ${row.kid} has an unsupported algorithm ${JSON.stringify(row.algorithm)}`);
  return row.algorithm;
}

function publicKeyOf(row: StoredSigningKey): TokenKey {
  const jwk = parseJwkText(row.publicJwk);
  try {
    if (jwk === undefined) throw new TypeError('its public JWK is not JSON');
    return keyFromJwk(jwk, checkedAlgorithm(row), { role: 'verify', kid: row.kid });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('DATABASE_URL', `signing key ${row.kid} cannot be used: ${(error as Error).message}`);
  }
}

function activeKeyOf(row: StoredSigningKey, kek: KeyEncryptionKey | undefined): TokenKey {
  const algorithm = checkedAlgorithm(row);
  if (kek === undefined) {
    throw new ConfigError(
      KEY_ENCRYPTION_KEY_VARIABLE,
      `is required: the database holds the active signing key ${row.kid}, encrypted under it`,
    );
  }
  let der: Buffer;
  try {
    der = kek.open(row.encryptedPrivateKey, sealContext(row));
  } catch (error) {
    throw new ConfigError(KEY_ENCRYPTION_KEY_VARIABLE, `signing key ${row.kid}: ${(error as Error).message}`);
  }
  const publicKey = publicKeyOf(row);
  if (!(publicKey instanceof AsymmetricKey)) throw new ConfigError('DATABASE_URL', `signing key ${row.kid} is not an asymmetric key`);
  try {
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return AsymmetricKey.fromKeyObjects(algorithm, { privateKey, publicKey: publicKey.publicKey }, row.kid);
  } catch (error) {
    throw new ConfigError('DATABASE_URL', `signing key ${row.kid} cannot be used: ${(error as Error).message}`);
  } finally {
    der.fill(0);
  }
}
