/**
 * Django's `django.core.signing.dumps`/`loads` (TimestampSigner, SHA-256, `:` separator) for one
 * positive integer: what django-allauth puts in an email-confirmation key
 * (`signing.dumps(obj=email_address.pk, salt='account')`). Keys made by a Django project with the
 * same SECRET_KEY verify here, and the other way round.
 *
 * Format: `<base64url(JSON)>:<base62 Unix time>:<base64url(salted HMAC)>`. Only the integer
 * payload allauth uses is supported; anything else is refused, never guessed.
 */
import { timingSafeEqual } from 'node:crypto';
import { saltedHmac } from './salted-hmac.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SIGNED_INTEGER = /^([A-Za-z0-9_-]{1,24}):([0-9A-Za-z]{1,9}):([A-Za-z0-9_-]{43})$/;

export interface SigningOptions {
  /** Django's SECRET_KEY. */
  readonly secret: string;
  /** The namespace (`salt`): a key signed for one purpose is refused for any other. */
  readonly salt: string;
  /** Now, in milliseconds since the Unix epoch. */
  readonly nowMs: number;
}

/**
 * `signing.dumps(value, salt=salt)` for a positive integer.
 *
 * @example
 * ```ts
 * signInteger(42, { secret, salt: 'account', nowMs: Date.now() }); // 'NDI:1xaKH2:qjjn...'
 * ```
 */
export function signInteger(value: number, options: SigningOptions): string {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError('only positive integers are signed');
  const payload = Buffer.from(String(value), 'latin1').toString('base64url');
  const signed = `${payload}:${encodeBase62(Math.floor(options.nowMs / 1000))}`;
  return `${signed}:${signature(signed, options)}`;
}

/**
 * `signing.loads(key, salt=salt, max_age=maxAgeSeconds)` for a positive integer: the value, or
 * `undefined` when the key is malformed, tampered with, signed for another salt, or older than
 * `maxAgeSeconds`.
 */
export function unsignInteger(key: string, options: SigningOptions & { readonly maxAgeSeconds: number }): number | undefined {
  const match = SIGNED_INTEGER.exec(key);
  if (match === null) return undefined;
  const [, payload, timestamp, given] = match as unknown as [string, string, string, string];
  const expected = Buffer.from(signature(`${payload}:${timestamp}`, options), 'latin1');
  if (!timingSafeEqual(expected, Buffer.from(given, 'latin1'))) return undefined;
  if (options.nowMs / 1000 - decodeBase62(timestamp) > options.maxAgeSeconds) return undefined;
  const text = Buffer.from(payload, 'base64url').toString('latin1');
  return /^[1-9][0-9]{0,14}$/.test(text) ? Number(text) : undefined;
}

/** `Signer.signature`: base64url(salted_hmac(salt + 'signer', value, secret)), unpadded. */
function signature(value: string, options: SigningOptions): string {
  return saltedHmac(`${options.salt}signer`, value, options.secret).toString('base64url');
}

function encodeBase62(value: number): string {
  let text = '';
  let rest = value;
  do {
    text = BASE62.charAt(rest % 62) + text;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return text;
}

function decodeBase62(text: string): number {
  let value = 0;
  for (const char of text) value = value * 62 + BASE62.indexOf(char);
  return value;
}
