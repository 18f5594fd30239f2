/**
 * Password hashing and verification.
 *
 * New passwords are hashed with argon2id. Verification also accepts the hashes a Django
 * database holds (`pbkdf2_sha256$...`, `pbkdf2_sha1$...`, `argon2$argon2id$...`), so users
 * migrated from the reference server keep their passwords; those verify with
 * `needsRehash: true`, so the login that proves the password upgrades the stored hash.
 *
 * Everything CPU-heavy runs on the libuv thread pool (@node-rs/argon2's async functions,
 * node:crypto's async pbkdf2): a login never blocks the event loop.
 */
import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { hash, parseOptions, verify } from '@node-rs/argon2';
import type { Algorithm, ParsedHashOptions, Version } from '@node-rs/argon2';
import { HashQueueFullError, withHashingSlot } from './hashing-slots.js';

/**
 * argon2id cost parameters for new hashes: the OWASP Password Storage Cheat Sheet's first
 * recommended argon2id configuration, "a minimum configuration of 19 MiB of memory, an
 * iteration count of 2, and 1 degree of parallelism"
 * (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id).
 * `outputLen` is the usual 32-byte tag.
 */
export const ARGON2ID_PARAMS = Object.freeze({
  /** m, in KiB (19 MiB). */
  memoryCost: 19456,
  /** t, passes over memory. */
  timeCost: 2,
  /** p, lanes. */
  parallelism: 1,
  outputLen: 32,
} as const);

/** What verifying a password against a stored hash found. */
export interface VerifyResult {
  /** The password matches the hash. */
  readonly valid: boolean;
  /**
   * The hash should be replaced by `hashPassword(plain)`: it is a Django hash or an argon2
   * hash weaker than {@link ARGON2ID_PARAMS}. Only ever true together with `valid`.
   */
  readonly needsRehash: boolean;
}

// @node-rs/argon2 declares these as `const enum`s, which per-file transpilers (vitest) cannot
// inline and which are empty objects at runtime; use their numeric values.
const ARGON2ID: Algorithm = 2;
const ARGON2_VERSION_0x13: Version = 1;

const MIN_SALT_BYTES = 16;

/**
 * Upper bounds on the work a stored hash may ask for. The hash comes from the database, so a
 * crafted or corrupted one must not be able to pin a thread-pool worker for minutes or
 * allocate gigabytes; anything above these is rejected as invalid. They sit far above what
 * Django or Tessera ever write (Django 3.2: pbkdf2 260,000 iterations, argon2 m=102400,t=2,p=8).
 */
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const MAX_ARGON2_MEMORY_KIB = 262_144; // 256 MiB
const MAX_ARGON2_TIME_COST = 10;
const MAX_ARGON2_PARALLELISM = 16;

const INVALID: VerifyResult = Object.freeze({ valid: false, needsRehash: false });

/**
 * Hashes a password with argon2id and {@link ARGON2ID_PARAMS}, on the libuv thread pool.
 *
 * @returns the PHC string, e.g. `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
 */
export async function hashPassword(plain: string, client?: string): Promise<string> {
  return withHashingSlot(() => hash(plain, {
    algorithm: ARGON2ID,
    version: ARGON2_VERSION_0x13,
    memoryCost: ARGON2ID_PARAMS.memoryCost,
    timeCost: ARGON2ID_PARAMS.timeCost,
    parallelism: ARGON2ID_PARAMS.parallelism,
    outputLen: ARGON2ID_PARAMS.outputLen,
  }), client);
}

/**
 * Checks a password against a stored hash. An unusable (`!...`), malformed, over-expensive or
 * unknown-format hash simply does not match. `client` (the client address) picks the line the
 * check waits in for a hashing slot; the only error is {@link HashQueueFullError}, when that
 * line or the whole queue is full and the password was not checked.
 *
 * Accepted formats: argon2 PHC strings (`$argon2id$...`), Django's `pbkdf2_sha256$...`,
 * `pbkdf2_sha1$...` and `argon2$argon2id$...`.
 */
export async function verifyPassword(plain: string, encoded: string, client?: string): Promise<VerifyResult> {
  try {
    if (encoded.startsWith('$argon2')) return await verifyArgon2(plain, encoded, false, client);
    // Django's Argon2PasswordHasher stores "argon2" + the PHC string.
    if (encoded.startsWith('argon2$argon2')) return await verifyArgon2(plain, encoded.slice('argon2'.length), true, client);
    if (encoded.startsWith('pbkdf2_sha256$')) return await verifyDjangoPbkdf2(plain, encoded, 'sha256', 32, client);
    if (encoded.startsWith('pbkdf2_sha1$')) return await verifyDjangoPbkdf2(plain, encoded, 'sha1', 20, client);
    // Django's unusable passwords ("!" + random) and every other format land here.
    return INVALID;
  } catch (error) {
    if (error instanceof HashQueueFullError) throw error;
    return INVALID;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends as long as a real argon2id verification, then forgets the result. Call it when the
 * user does not exist (or cannot log in) so that the response time does not tell an attacker
 * which usernames exist. The dummy hash is computed once, on first use.
 */
export async function verifyAgainstDummy(plain: string, client?: string): Promise<void> {
  dummyHash ??= hashPassword('tessera-dummy-password').catch((error: unknown) => {
    dummyHash = undefined;
    throw error;
  });
  await verifyPassword(plain, await dummyHash, client);
}

async function verifyArgon2(plain: string, phc: string, fromDjango: boolean, client: string | undefined): Promise<VerifyResult> {
  const params = parseOptions(phc);
  if (!withinArgon2Bounds(params)) return INVALID;
  if (!(await withHashingSlot(() => verify(phc, plain), client))) return INVALID;
  return { valid: true, needsRehash: fromDjango || isWeakerThanCurrent(params) };
}

function withinArgon2Bounds(params: ParsedHashOptions): boolean {
  return (
    params.memoryCost <= MAX_ARGON2_MEMORY_KIB &&
    params.timeCost <= MAX_ARGON2_TIME_COST &&
    params.parallelism <= MAX_ARGON2_PARALLELISM
  );
}

// Parallelism is not compared: more lanes over the same memory is not stronger, and fewer is
// not weaker, so a p=8 hash from elsewhere is left alone.
function isWeakerThanCurrent(params: ParsedHashOptions): boolean {
  return (
    params.algorithm !== ARGON2ID ||
    params.version !== ARGON2_VERSION_0x13 ||
    params.memoryCost < ARGON2ID_PARAMS.memoryCost ||
    params.timeCost < ARGON2ID_PARAMS.timeCost ||
    params.outputLen < ARGON2ID_PARAMS.outputLen ||
    params.saltLen < MIN_SALT_BYTES
  );
}

/**
 * Django's PBKDF2PasswordHasher: `<algorithm>$<iterations>$<salt>$<base64(dk)>`, where dk is
 * PBKDF2-HMAC over the UTF-8 password and salt, as long as the digest. Django re-encodes and
 * compares the whole string, so only canonical iteration counts and base64 can match; this
 * compares the re-encoded base64 the same way.
 */
async function verifyDjangoPbkdf2(
  plain: string,
  encoded: string,
  digest: 'sha256' | 'sha1',
  digestBytes: number,
  client: string | undefined,
): Promise<VerifyResult> {
  const parts = encoded.split('$');
  if (parts.length !== 4) return INVALID;
  const [, iterationsText, salt, storedBase64] = parts as [string, string, string, string];
  if (!/^[1-9][0-9]{0,7}$/.test(iterationsText)) return INVALID;
  const iterations = Number(iterationsText);
  if (iterations > MAX_PBKDF2_ITERATIONS || salt === '') return INVALID;

  const derived = await withHashingSlot(() => pbkdf2Async(plain, salt, iterations, digestBytes, digest), client);
  const computed = Buffer.from(derived.toString('base64'), 'utf8');
  const stored = Buffer.from(storedBase64, 'utf8');
  if (computed.length !== stored.length || !timingSafeEqual(computed, stored)) return INVALID;
  return { valid: true, needsRehash: true };
}

function pbkdf2Async(password: string, salt: string, iterations: number, keyLength: number, digest: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, keyLength, digest, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
