/**
 * Django's password hash formats, other than argon2 (which `hasher.ts` verifies with its own
 * argon2 code). Each verifies exactly as Django's hasher of the same name does, and a match
 * always asks for a rehash (`needsRehash: true`), so the login that proves the password moves
 * the account to argon2id.
 *
 * | format (prefix)    | Django hasher                   | computed with                 |
 * | ------------------ | ------------------------------- | ----------------------------- |
 * | `pbkdf2_sha256$`   | PBKDF2PasswordHasher (default)  | node:crypto `pbkdf2`          |
 * | `pbkdf2_sha1$`     | PBKDF2SHA1PasswordHasher        | node:crypto `pbkdf2`          |
 * | `bcrypt_sha256$`   | BCryptSHA256PasswordHasher      | `bcrypt` over hex(SHA-256(pw))|
 * | `bcrypt$`          | BCryptPasswordHasher            | `bcrypt`                      |
 * | `scrypt$`          | ScryptPasswordHasher (4.0+)     | node:crypto `scrypt`          |
 * | `md5$`, `sha1$`    | MD5/SHA1PasswordHasher          | node:crypto `createHash`, weak|
 * | `md5$$`, `sha1$$`, bare 32 hex digits | Unsalted*PasswordHasher | the same, weak     |
 *
 * The weak formats (salted or unsalted MD5 and SHA-1: one fast hash, crackable by the billion
 * per second) verify only when the caller passes `allowWeakDjangoHashes` (the
 * `ALLOW_WEAK_DJANGO_HASHES` setting); otherwise they never match, and the user must reset the
 * password. Django's `crypt$` (Unix crypt(3), DES, removed in Django 5.0) is not supported.
 *
 * Slow work runs on the libuv thread pool (pbkdf2, scrypt, bcrypt's async compare) inside a
 * hashing slot; all comparisons of secrets are constant-time.
 */
import { createHash, pbkdf2, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import type bcryptModule from 'bcrypt';
import { HashQueueFullError, withHashingSlot } from './hashing-slots.js';
import { INVALID, type VerifyOptions, type VerifyResult } from './verify-result.js';

const VALID_NEEDS_REHASH: VerifyResult = Object.freeze({ valid: true, needsRehash: true });

/**
 * Upper bounds on the work a stored hash may ask for: the hash comes from the database (or an
 * import), so a crafted or corrupted one must not pin a thread-pool worker for minutes or
 * allocate gigabytes. Far above anything Django writes (Django 3.2: pbkdf2 260,000 iterations,
 * bcrypt cost 12; Django 4.0+: scrypt N=2^14, r=8, p=1, i.e. 16 MiB).
 */
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const MAX_BCRYPT_COST = 16;
const MAX_SCRYPT_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_SCRYPT_PARALLELISM = 16;

/** The Django hash formats Tessera knows, as Django names its hashers' `algorithm`. */
export type DjangoHashFormat =
  | 'pbkdf2_sha256'
  | 'pbkdf2_sha1'
  | 'argon2'
  | 'bcrypt_sha256'
  | 'bcrypt'
  | 'scrypt'
  | 'md5'
  | 'sha1'
  | 'unsalted_md5'
  | 'unsalted_sha1'
  | 'crypt';

/** The formats that verify only with `allowWeakDjangoHashes`. */
export const WEAK_DJANGO_FORMATS: ReadonlySet<DjangoHashFormat> = new Set(['md5', 'sha1', 'unsalted_md5', 'unsalted_sha1']);

/**
 * Which format an encoded password is in, as Django's `identify_hasher` decides it; `unusable`
 * for Django's unusable passwords (`!` followed by anything), `argon2id` for Tessera's own
 * hashes, and `unknown` for anything else.
 */
export function identifyHashFormat(encoded: string): DjangoHashFormat | 'argon2id' | 'unusable' | 'unknown' {
  if (encoded.startsWith('!')) return 'unusable';
  if (encoded.startsWith('$argon2')) return 'argon2id';
  // Django: a bare 32-hex-digit string, or md5$$ + 32, is an unsalted MD5; sha1$$ + 40 an unsalted SHA-1.
  if (/^(md5\$\$)?[0-9a-f]{32}$/.test(encoded)) return 'unsalted_md5';
  if (/^sha1\$\$[0-9a-f]{40}$/.test(encoded)) return 'unsalted_sha1';
  const algorithm = encoded.slice(0, encoded.indexOf('$'));
  switch (algorithm) {
    case 'pbkdf2_sha256':
    case 'pbkdf2_sha1':
    case 'argon2':
    case 'bcrypt_sha256':
    case 'bcrypt':
    case 'scrypt':
    case 'md5':
    case 'sha1':
    case 'crypt':
      return algorithm;
    default:
      return 'unknown';
  }
}

/**
 * Verifies `plain` against a Django hash in any format of the table above (not argon2). Never
 * throws: a malformed, over-expensive, weak-but-not-allowed or unknown hash does not match.
 */
export async function verifyDjangoHash(plain: string, encoded: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const format = identifyHashFormat(encoded);
  const { client } = options;
  if (WEAK_DJANGO_FORMATS.has(format as DjangoHashFormat) && options.allowWeakDjangoHashes !== true) return INVALID;
  try {
    switch (format) {
      case 'pbkdf2_sha256':
        return await verifyPbkdf2(plain, encoded, 'sha256', 32, client);
      case 'pbkdf2_sha1':
        return await verifyPbkdf2(plain, encoded, 'sha1', 20, client);
      case 'bcrypt_sha256':
        // Django hashes the password first (so bcrypt's 72-byte limit does not truncate it) and
        // feeds bcrypt the 64 hex digits of its SHA-256.
        return await verifyBcrypt(createHash('sha256').update(plain, 'utf8').digest('hex'), encoded.slice('bcrypt_sha256$'.length), client);
      case 'bcrypt':
        return await verifyBcrypt(plain, encoded.slice('bcrypt$'.length), client);
      case 'scrypt':
        return await verifyScrypt(plain, encoded, client);
      case 'md5':
      case 'sha1':
        return verifySaltedDigest(plain, encoded, format);
      case 'unsalted_md5':
        return verifyUnsaltedDigest(plain, encoded.slice(-32), 'md5');
      case 'unsalted_sha1':
        return verifyUnsaltedDigest(plain, encoded.slice(-40), 'sha1');
      default:
        return INVALID;
    }
  } catch (error) {
    if (error instanceof HashQueueFullError) throw error;
    return INVALID;
  }
}

/** Constant-time equality of two ASCII strings; different lengths (not secret) never match. */
function sameText(computed: string, stored: string): boolean {
  const a = Buffer.from(computed, 'utf8');
  const b = Buffer.from(stored, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function matched(equal: boolean): VerifyResult {
  return equal ? VALID_NEEDS_REHASH : INVALID;
}

/** A decimal written as Django writes it (no sign, no leading zero), within `max`. */
function canonicalInteger(text: string, max: number): number | undefined {
  if (!/^[1-9][0-9]{0,9}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= max ? value : undefined;
}

/**
 * PBKDF2PasswordHasher: `<algorithm>$<iterations>$<salt>$<base64(dk)>`, dk as long as the
 * digest. Django re-encodes and compares whole strings, so only canonical iteration counts and
 * base64 match; the re-encoded base64 is compared the same way.
 */
async function verifyPbkdf2(
  plain: string,
  encoded: string,
  digest: 'sha256' | 'sha1',
  keyLength: number,
  client: string | undefined,
): Promise<VerifyResult> {
  const parts = encoded.split('$');
  if (parts.length !== 4) return INVALID;
  const [, iterationsText, salt, stored] = parts as [string, string, string, string];
  const iterations = canonicalInteger(iterationsText, MAX_PBKDF2_ITERATIONS);
  if (iterations === undefined || salt === '') return INVALID;
  const derived = await withHashingSlot(() => pbkdf2Async(plain, salt, iterations, keyLength, digest), client);
  return matched(sameText(derived.toString('base64'), stored));
}

/**
 * BCryptPasswordHasher: `bcrypt$` + the bcrypt string (`$2b$12$<salt><hash>`). bcrypt's own
 * comparison is constant-time. Passwords are cut at 72 bytes by bcrypt itself, as in Django.
 */
async function verifyBcrypt(secret: string, bcryptHash: string, client: string | undefined): Promise<VerifyResult> {
  const match = /^\$2[abxy]?\$(\d{2})\$[./A-Za-z0-9]{53}$/.exec(bcryptHash);
  if (match === null || Number(match[1]) > MAX_BCRYPT_COST) return INVALID;
  const bcrypt = await loadBcrypt();
  return matched(await withHashingSlot(() => bcrypt.compare(secret, bcryptHash), client));
}

/**
 * The native bcrypt binding, loaded on the first bcrypt hash met (a user imported from Django
 * with BCryptPasswordHasher), not at start-up: most servers never meet one (docs/decisions.md D21).
 */
let bcryptLoading: Promise<typeof bcryptModule> | undefined;
function loadBcrypt(): Promise<typeof bcryptModule> {
  return (bcryptLoading ??= import('bcrypt').then((module) => module.default));
}

/**
 * ScryptPasswordHasher (Django 4.0+): `scrypt$<N>$<salt>$<r>$<p>$<base64(dk)>`, dk 64 bytes,
 * over the UTF-8 password and salt.
 */
async function verifyScrypt(plain: string, encoded: string, client: string | undefined): Promise<VerifyResult> {
  const parts = encoded.split('$');
  if (parts.length !== 6) return INVALID;
  const [, nText, salt, rText, pText, stored] = parts as [string, string, string, string, string, string];
  const cost = canonicalInteger(nText, 1 << 24);
  const blockSize = canonicalInteger(rText, 1024);
  const parallelization = canonicalInteger(pText, MAX_SCRYPT_PARALLELISM);
  if (cost === undefined || blockSize === undefined || parallelization === undefined || salt === '') return INVALID;
  // N must be a power of two; the memory scrypt needs is 128 * N * r bytes.
  if ((cost & (cost - 1)) !== 0 || 128 * cost * blockSize > MAX_SCRYPT_MEMORY_BYTES) return INVALID;
  const options: ScryptOptions = { N: cost, r: blockSize, p: parallelization, maxmem: MAX_SCRYPT_MEMORY_BYTES + 1024 * 1024 };
  const derived = await withHashingSlot(() => scryptAsync(plain, salt, 64, options), client);
  return matched(sameText(derived.toString('base64'), stored));
}

/** MD5PasswordHasher / SHA1PasswordHasher: `<algorithm>$<salt>$hex(H(salt + password))`. */
function verifySaltedDigest(plain: string, encoded: string, digest: 'md5' | 'sha1'): VerifyResult {
  const parts = encoded.split('$');
  if (parts.length !== 3) return INVALID;
  const [, salt, stored] = parts as [string, string, string];
  if (salt === '') return INVALID;
  return matched(
    sameText(
      createHash(digest)
        .update(salt + plain, 'utf8')
        .digest('hex'),
      stored,
    ),
  );
}

/** UnsaltedMD5PasswordHasher / UnsaltedSHA1PasswordHasher: hex(H(password)). */
function verifyUnsaltedDigest(plain: string, storedHex: string, digest: 'md5' | 'sha1'): VerifyResult {
  return matched(sameText(createHash(digest).update(plain, 'utf8').digest('hex'), storedHex));
}

function pbkdf2Async(password: string, salt: string, iterations: number, keyLength: number, digest: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, keyLength, digest, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function scryptAsync(password: BinaryLike, salt: BinaryLike, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
