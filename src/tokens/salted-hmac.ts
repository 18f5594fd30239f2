/**
 * Django's `django.utils.crypto.salted_hmac` with SHA-256 (Django 3.2's DEFAULT_HASHING_ALGORITHM):
 * the HMAC key is SHA-256(key_salt + secret), so one SECRET_KEY yields an unrelated key for each
 * purpose (password-reset tokens, signed values). Built on node:crypto; only the key derivation
 * is Django's, the primitives are OpenSSL's.
 */
import { createHash, createHmac } from 'node:crypto';

/**
 * The SHA-256 HMAC of `value` under a key derived from `keySalt` and `secret`, as Django
 * computes it (strings are UTF-8, as `force_bytes` encodes them).
 *
 * @example
 * ```ts
 * saltedHmac('django.contrib.auth.tokens.PasswordResetTokenGenerator', '1pbkdf2...', secret).toString('hex');
 * ```
 */
export function saltedHmac(keySalt: string, value: string, secret: string): Buffer {
  const key = createHash('sha256')
    .update(keySalt + secret, 'utf8')
    .digest();
  return createHmac('sha256', key).update(value, 'utf8').digest();
}
