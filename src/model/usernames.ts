/**
 * How usernames and emails are compared, as Django treats usernames and safer.
 *
 * Django's `AbstractBaseUser.normalize_username` applies NFKC, so a fullwidth `ｋｙｏｋｏ` is
 * stored and looked up as `kyoko`; Tessera does the same at registration, login and in the
 * admin console. Django then compares names exactly, so `KYOKO` can register beside `kyoko`;
 * Tessera refuses a new name that equals an existing one after case folding (a deliberate
 * difference: docs/compatibility.md `username-case-folding`), and compares emails with full
 * case folding (`k@Éxample.com` = `k@éxample.com`), not ASCII lower-casing.
 */

/** Django's `AbstractUser.username` max_length: nothing longer is ever looked up. */
export const MAX_USERNAME_LENGTH = 150;

/** NFKC, as Django's `normalize_username`. */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC');
}

/**
 * Full Unicode case folding of NFKC text, as Python's `str.casefold()` after NFKC: upper-casing
 * first applies the full (one-to-many) mappings that `toLowerCase` alone misses (`ß` → `SS`,
 * `ﬁ` → `FI`), then lower-casing lands on the folded form; NFKC again closes the few
 * characters whose case mapping is not NFKC. The results differ from Unicode's CaseFolding.txt
 * only where that table maps to upper case (Cherokee), and both spellings of such a letter
 * still fold to one key, which is all uniqueness needs.
 *
 * @example
 * ```ts
 * foldedKey('ＫＹＯＫＯ') === foldedKey('kyoko'); // true
 * foldedKey('straße') === foldedKey('STRASSE');   // true
 * ```
 */
export function foldedKey(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/** The folded form of an email, for uniqueness: the whole address, with full case folding. */
export function emailKey(email: string): string {
  return foldedKey(email.trim());
}

/**
 * C0 and C1 control characters (NUL included) and DEL: refused in every form with a field
 * error. A password with a NUL could never be typed at a login, and PostgreSQL refuses NUL in
 * text outright (issue 12: the admin console accepted both).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/u;

export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}

/**
 * Characters that render as nothing (U+3164 HANGUL FILLER, U+200B, U+2060, ...): a username made
 * of or hiding them looks like another user's name, or like none. Refused at registration.
 */
const INVISIBLE_CHARACTERS = /\p{Default_Ignorable_Code_Point}/u;

export function hasInvisibleCharacters(text: string): boolean {
  return INVISIBLE_CHARACTERS.test(text);
}
