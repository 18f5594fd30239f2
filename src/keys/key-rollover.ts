/**
 * The rollover lifecycle of database keys (`tessera keys ...`, docs/keys.md):
 *
 *   generated ──activate──▶ active ──(another key activated)──▶ inactive ──retire──▶ retired
 *   (published,             (signs)                              (verifies only)       (gone)
 *    verifies)
 *
 * Two waits make a rollover invisible to clients, and each is enforced unless `--force`:
 * - a new key signs only after every verifier can know it: servers re-read the key table every
 *   KEY_POLL_INTERVAL, remote verifiers cache the JWKS for JWKS_MAX_AGE;
 * - an old key is retired only after the last token it signed has expired: servers may still
 *   sign with it for KEY_POLL_INTERVAL after the switch, and its tokens then live for the longest
 *   token lifetime, plus LEEWAY.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { KeyRolloverSettings } from './key-settings.js';
import type { KeyStore, StoredSigningKey } from '../model/store.js';
import { SIGNATURE_ALGORITHM_SPECS, type SignatureAlgorithm } from '../tokens/algorithms.js';
import { AsymmetricKey } from '../tokens/asymmetric-key.js';
import { sealContext } from './database-keys.js';
import type { KeyEncryptionKey } from './key-encryption.js';

/** A lifecycle step refused (too early, wrong state, unknown kid); the message says what to do. */
export class KeyRolloverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyRolloverError';
  }
}

/** RSA moduli `keys generate` accepts. 3072 bits meets the 128-bit security target (SEC-10). */
export const RSA_GENERATION_BITS = [2048, 3072, 4096] as const;

/** A fresh key pair for `algorithm`. */
export function generateKeyPair(algorithm: SignatureAlgorithm, rsaBits = 3072): { privateKey: KeyObject; publicKey: KeyObject } {
  const spec = SIGNATURE_ALGORITHM_SPECS[algorithm];
  switch (spec.family) {
    case 'RSA':
    case 'RSA-PSS':
      return generateKeyPairSync('rsa', { modulusLength: rsaBits, publicExponent: 65537 });
    case 'EC':
      return generateKeyPairSync('ec', { namedCurve: spec.curve ?? 'P-256' });
    case 'OKP':
      return generateKeyPairSync('ed25519');
  }
}

/**
 * Generates a key and stores it as `generated`: published and verifying, not yet signing. Its
 * kid is the RFC 7638 thumbprint of the public key.
 */
export async function generateSigningKey(
  store: KeyStore,
  kek: KeyEncryptionKey,
  algorithm: SignatureAlgorithm,
  options: { now?: Date; rsaBits?: number } = {},
): Promise<StoredSigningKey> {
  const pair = generateKeyPair(algorithm, options.rsaBits);
  const key = AsymmetricKey.fromKeyObjects(algorithm, pair);
  const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
  const stored: StoredSigningKey = {
    kid: key.kid,
    algorithm,
    state: 'generated',
    publicJwk: JSON.stringify(key.publicJwk()),
    encryptedPrivateKey: kek.seal(der, sealContext({ kid: key.kid, algorithm })),
    createdAt: options.now ?? new Date(),
    activatedAt: null,
    deactivatedAt: null,
    retiredAt: null,
  };
  der.fill(0);
  await store.addSigningKey(stored);
  return stored;
}

/** How long after its creation a key may start signing: every verifier has seen it by then. */
export function publicationDelayMs(settings: KeyRolloverSettings): number {
  return (settings.JWKS_MAX_AGE + settings.KEY_POLL_INTERVAL) * 1000;
}

/** The longest a token signed by a key can live after the key stopped signing. */
export function verificationTailMs(settings: KeyRolloverSettings): number {
  const sliding = settings.AUTH_TOKEN_CLASSES.includes('SlidingToken') ? settings.SLIDING_TOKEN_LIFETIME : 0;
  const longest = Math.max(settings.ACCESS_TOKEN_LIFETIME, settings.REFRESH_TOKEN_LIFETIME, sliding);
  return (settings.KEY_POLL_INTERVAL + longest + settings.LEEWAY) * 1000;
}

/** When `key` may be activated. */
export function activatableAt(key: StoredSigningKey, settings: KeyRolloverSettings): Date {
  // An inactive key was published all along; only a new one must wait.
  return key.state === 'inactive' ? key.createdAt : new Date(key.createdAt.getTime() + publicationDelayMs(settings));
}

/** When `key` may be retired: at once if it never signed, else when its last token has expired. */
export function retirableAt(key: StoredSigningKey, settings: KeyRolloverSettings): Date {
  if (key.state === 'generated' && key.activatedAt === null) return key.createdAt;
  const stoppedSigning = key.deactivatedAt ?? key.activatedAt ?? key.createdAt;
  return new Date(stoppedSigning.getTime() + verificationTailMs(settings));
}

async function findKey(store: KeyStore, kid: string): Promise<StoredSigningKey> {
  const key = (await store.listSigningKeys()).find((candidate) => candidate.kid === kid);
  if (key === undefined) throw new KeyRolloverError(`no signing key ${JSON.stringify(kid)}; \`tessera keys list\` shows them`);
  return key;
}

/**
 * Makes `kid` the signing key; the previous active key keeps verifying. Refused for a key
 * published less than JWKS_MAX_AGE + KEY_POLL_INTERVAL ago, unless `force`.
 */
export async function activateKey(
  store: KeyStore,
  kid: string,
  settings: KeyRolloverSettings,
  options: { force?: boolean; now?: Date } = {},
): Promise<StoredSigningKey> {
  const now = options.now ?? new Date();
  const key = await findKey(store, kid);
  if (key.state === 'active') throw new KeyRolloverError(`key ${kid} is already active`);
  if (key.state === 'retired') throw new KeyRolloverError(`key ${kid} is retired; generate a new one`);
  if (key.algorithm !== settings.ALGORITHM && !options.force) {
    throw new KeyRolloverError(
      `key ${kid} is ${key.algorithm} but ALGORITHM is ${settings.ALGORITHM}; set ALGORITHM first, or pass --force`,
    );
  }
  const allowedAt = activatableAt(key, settings);
  if (now < allowedAt && !options.force) {
    throw new KeyRolloverError(
      `key ${kid} was published ${seconds(now.getTime() - key.createdAt.getTime())} ago; verifiers may not know it yet ` +
        `(JWKS_MAX_AGE ${settings.JWKS_MAX_AGE} s + KEY_POLL_INTERVAL ${settings.KEY_POLL_INTERVAL} s). ` +
        `Activate it after ${allowedAt.toISOString()}, or pass --force`,
    );
  }
  if (!(await store.activateSigningKey(kid, now))) throw new KeyRolloverError(`key ${kid} changed state meanwhile; try again`);
  return findKey(store, kid);
}

/**
 * Retires `kid`: no longer published, no longer accepted. Refused for the active key, and before
 * the last token it signed can have expired, unless `force` (which logs out whoever holds them).
 */
export async function retireKey(
  store: KeyStore,
  kid: string,
  settings: KeyRolloverSettings,
  options: { force?: boolean; now?: Date } = {},
): Promise<StoredSigningKey> {
  const now = options.now ?? new Date();
  const key = await findKey(store, kid);
  if (key.state === 'active') throw new KeyRolloverError(`key ${kid} is signing; activate another key first`);
  if (key.state === 'retired') throw new KeyRolloverError(`key ${kid} is already retired`);
  const allowedAt = retirableAt(key, settings);
  if (now < allowedAt && !options.force) {
    throw new KeyRolloverError(
      `tokens key ${kid} signed may still be valid until ${allowedAt.toISOString()} ` +
        `(KEY_POLL_INTERVAL + the longest token lifetime + LEEWAY after it stopped signing). Retire it then, or pass --force`,
    );
  }
  if (!(await store.retireSigningKey(kid, now))) throw new KeyRolloverError(`key ${kid} changed state meanwhile; try again`);
  return findKey(store, kid);
}

function seconds(ms: number): string {
  return `${Math.max(0, Math.round(ms / 100) / 10)} s`;
}
