/**
 * Django's `PasswordResetTokenGenerator` (django/contrib/auth/tokens.py, Django 3.2), so a reset
 * link made by a Django project sharing the SECRET_KEY works here and the other way round.
 *
 * A token is `<timestamp in base 36>-<every other hex digit of an HMAC>`; the HMAC covers the
 * user's id, password hash, last login (to the second), the timestamp and the email. Nothing is
 * stored: the token stops working when any of those change, which is what makes it single-use
 * (setting the new password changes the hash; a fresh salt makes it change even for the same
 * password), and when PASSWORD_RESET_TIMEOUT has passed since the timestamp.
 *
 * Differences from Django, all refusals: Django 3.2 also accepts pre-3.1 SHA-1 tokens (legacy,
 * long expired by any timeout), and parses the timestamp with Python's lenient `int(s, 36)`
 * (a spelling it would then fail to match anyway). Django takes "now" from the server's local
 * clock (its TIME_ZONE); Tessera uses UTC, so tokens are exchangeable with Django projects whose
 * TIME_ZONE is 'UTC'.
 */
import { timingSafeEqual } from 'node:crypto';
import { saltedHmac } from './salted-hmac.js';

const KEY_SALT = 'django.contrib.auth.tokens.PasswordResetTokenGenerator';
/** `datetime(2001, 1, 1)`, the epoch of Django's token timestamps. */
const DJANGO_EPOCH_MS = Date.UTC(2001, 0, 1);
const TOKEN_PATTERN = /^([0-9a-z]{1,10})-([0-9a-f]{32})$/;

/** The user state a reset token is bound to. */
export interface ResetTokenUser {
  readonly id: number;
  /** The encoded password hash. */
  readonly password: string;
  readonly lastLogin: Date | null;
  readonly email: string;
}

export interface PasswordResetTokenOptions {
  /** Django's SECRET_KEY (Tessera's `SECRET_KEY`). */
  readonly secret: string;
  /** PASSWORD_RESET_TIMEOUT, in seconds. */
  readonly timeoutSeconds: number;
  /** The clock, in milliseconds since the Unix epoch. */
  readonly now: () => number;
}

/**
 * Makes and checks password-reset tokens.
 *
 * @example
 * ```ts
 * const tokens = new PasswordResetTokens({ secret, timeoutSeconds: 3600, now: Date.now });
 * const token = tokens.make(user);       // 'dj6qg0-5180004832305b1ae036986cf154164b'
 * tokens.check(user, token);             // true, until the password or last login changes
 * ```
 */
export class PasswordResetTokens {
  readonly #options: PasswordResetTokenOptions;

  constructor(options: PasswordResetTokenOptions) {
    this.#options = options;
  }

  make(user: ResetTokenUser): string {
    return tokenAt(this.#options.secret, user, this.#secondsNow());
  }

  /** Whether `token` was made for `user` as it is now, and within the timeout. */
  check(user: ResetTokenUser, token: string): boolean {
    const match = TOKEN_PATTERN.exec(token);
    const base36 = match?.[1];
    if (base36 === undefined) return false;
    const timestamp = Number.parseInt(base36, 36);
    const expected = Buffer.from(tokenAt(this.#options.secret, user, timestamp), 'latin1');
    const given = Buffer.from(token, 'latin1');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
    return this.#secondsNow() - timestamp <= this.#options.timeoutSeconds;
  }

  #secondsNow(): number {
    return Math.floor((this.#options.now() - DJANGO_EPOCH_MS) / 1000);
  }
}

function tokenAt(secret: string, user: ResetTokenUser, timestamp: number): string {
  const digest = saltedHmac(KEY_SALT, hashValue(user, timestamp), secret).toString('hex');
  let everyOther = '';
  for (let index = 0; index < digest.length; index += 2) everyOther += digest.charAt(index);
  return `${timestamp.toString(36)}-${everyOther}`;
}

/** `_make_hash_value`: `f'{pk}{password}{login_timestamp}{timestamp}{email}'`. */
function hashValue(user: ResetTokenUser, timestamp: number): string {
  return `${user.id}${user.password}${pythonDatetimeToSecond(user.lastLogin)}${timestamp}${user.email}`;
}

/** `str(last_login.replace(microsecond=0, tzinfo=None))` for a UTC datetime, or '' for none. */
function pythonDatetimeToSecond(date: Date | null): string {
  if (date === null) return '';
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/**
 * Django's `urlsafe_base64_encode(force_bytes(user.pk))`: the uid in reset links.
 *
 * @example
 * ```ts
 * encodeUid(42); // 'NDI'
 * ```
 */
export function encodeUid(id: number): string {
  return Buffer.from(String(id), 'utf8').toString('base64url');
}

/** The user id in `uid`, or `undefined` unless it is the canonical encoding of a positive id. */
export function decodeUid(uid: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{1,24}$/.test(uid)) return undefined;
  const text = Buffer.from(uid, 'base64url').toString('latin1');
  if (!/^[1-9][0-9]{0,14}$/.test(text) || encodeUid(Number(text)) !== uid) return undefined;
  return Number(text);
}
