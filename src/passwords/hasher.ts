/**
 * Password hashing and verification.
 *
 * New passwords are hashed with argon2id. Verification also accepts every hash a Django
 * database holds (`django-hashers.ts`), so users imported from Django keep their passwords;
 * those verify with `needsRehash: true`, so the login that proves the password upgrades the
 * stored hash.
 *
 * Everything CPU-heavy runs on the libuv thread pool (@node-rs/argon2's async functions,
 * node:crypto's async pbkdf2 and scrypt, bcrypt's async compare): a login never blocks the
 * event loop.
 */
import { hash, parseOptions, verify } from '@node-rs/argon2';
import type { Algorithm, ParsedHashOptions, Version } from '@node-rs/argon2';
import { verifyDjangoHash } from './django-hashers.js';
import { HashQueueFullError, withHashingSlot } from './hashing-slots.js';
import { INVALID, type VerifyOptions, type VerifyResult } from './verify-result.js';

export type { VerifyOptions, VerifyResult } from './verify-result.js';

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

// @node-rs/argon2 declares these as `const enum`s, which per-file transpilers (vitest) cannot
// inline and which are empty objects at runtime; use their numeric values.
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- the enum's value, see above
const ARGON2ID: Algorithm = 2;
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- the enum's value, see above
const ARGON2_VERSION_0x13: Version = 1;

const MIN_SALT_BYTES = 16;

/**
 * Upper bounds on the work a stored argon2 hash may ask for. The hash comes from the database,
 * so a crafted or corrupted one must not be able to pin a thread-pool worker for minutes or
 * allocate gigabytes; anything above these is rejected as invalid. They sit far above what
 * Django or Tessera ever write (Django 3.2: m=102400,t=2,p=8).
 */
const MAX_ARGON2_MEMORY_KIB = 262_144; // 256 MiB
const MAX_ARGON2_TIME_COST = 10;
const MAX_ARGON2_PARALLELISM = 16;

/**
 * Hashes a password with argon2id and {@link ARGON2ID_PARAMS}, on the libuv thread pool.
 *
 * @returns the PHC string, e.g. `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
 */
export async function hashPassword(plain: string, client?: string): Promise<string> {
  return withHashingSlot(
    () =>
      hash(plain, {
        algorithm: ARGON2ID,
        version: ARGON2_VERSION_0x13,
        memoryCost: ARGON2ID_PARAMS.memoryCost,
        timeCost: ARGON2ID_PARAMS.timeCost,
        parallelism: ARGON2ID_PARAMS.parallelism,
        outputLen: ARGON2ID_PARAMS.outputLen,
      }),
    client,
  );
}

/**
 * Checks a password against a stored hash. Never throws: an unusable (`!...`), malformed,
 * over-expensive or unknown-format hash simply does not match.
 *
 * Accepted formats: argon2 PHC strings (`$argon2id$...`, `$argon2i$...`) and every Django
 * format: `argon2$...` (argon2id and argon2i) here, the others in `django-hashers.ts`
 * (pbkdf2_sha256, pbkdf2_sha1, bcrypt_sha256, bcrypt, scrypt; md5, sha1 and unsalted ones only
 * with `options.allowWeakDjangoHashes`).
 *
 * @example
 * ```ts
 * const { valid, needsRehash } = await verifyPassword(password, user.password, { allowWeakDjangoHashes: false });
 * if (valid && needsRehash) await store.updateUser(user.id, { password: await hashPassword(password) });
 * ```
 */
export async function verifyPassword(plain: string, encoded: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  try {
    if (encoded.startsWith('$argon2')) return await verifyArgon2(plain, encoded, false, options.client);
    // Django's Argon2PasswordHasher stores "argon2" + the PHC string.
    if (encoded.startsWith('argon2$argon2')) return await verifyArgon2(plain, encoded.slice('argon2'.length), true, options.client);
    // Django's unusable passwords ("!" + random) and unknown formats do not match there either.
    return await verifyDjangoHash(plain, encoded, options);
  } catch (error) {
    // A full hashing queue is not a wrong password: nothing was checked (503, issue 12).
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
  await verifyPassword(plain, await dummyHash, { client });
}

async function verifyArgon2(plain: string, phc: string, fromDjango: boolean, client: string | undefined): Promise<VerifyResult> {
  const params = parseOptions(phc);
  if (!withinArgon2Bounds(params)) return INVALID;
  if (!(await withHashingSlot(() => verify(phc, plain), client))) return INVALID;
  return { valid: true, needsRehash: fromDjango || isWeakerThanCurrent(params) };
}

function withinArgon2Bounds(params: ParsedHashOptions): boolean {
  return (
    params.memoryCost <= MAX_ARGON2_MEMORY_KIB && params.timeCost <= MAX_ARGON2_TIME_COST && params.parallelism <= MAX_ARGON2_PARALLELISM
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
