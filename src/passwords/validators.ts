/**
 * Django 3.2's four default password validators (`django.contrib.auth.password_validation`),
 * re-created so that a registration answers with the same messages, in the same order, as the
 * reference server: UserAttributeSimilarityValidator, MinimumLengthValidator(8),
 * CommonPasswordValidator, NumericPasswordValidator.
 *
 * Python semantics are mimicked where they matter: lengths count code points (not UTF-16
 * units), `lower()` is Unicode lowercasing, `strip()` removes Python's whitespace set, `\W` is
 * Unicode-aware and `str.isdigit()` accepts every Unicode digit. Character properties come
 * from Node's ICU rather than Python's unicodedata (Unicode 14 on the reference), so
 * characters added in later Unicode versions may classify differently.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** The user attributes a password is compared with (Django's `User` fields). */
export interface PasswordUserAttributes {
  username?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
}

/** Help texts of the four validators, in Django's order and wording (with its ’). */
export const PASSWORD_HELP_TEXTS: readonly string[] = Object.freeze([
  'Your password can’t be too similar to your other personal information.',
  'Your password must contain at least 8 characters.',
  'Your password can’t be a commonly used password.',
  'Your password can’t be entirely numeric.',
]);

const MAX_SIMILARITY = 0.7;
const MIN_LENGTH = 8;

/** Attributes in Django's order, with the field's verbose name used in the message. */
const SIMILARITY_ATTRIBUTES: readonly (readonly [keyof PasswordUserAttributes, string])[] = [
  ['username', 'username'],
  ['firstName', 'first name'],
  ['lastName', 'last name'],
  ['email', 'email address'],
];

/**
 * Runs Django's four validators and returns their messages in Django's order; an empty list
 * means the password is acceptable. Without `user`, the similarity check is skipped, as in
 * Django.
 *
 * @example
 * ```ts
 * validatePassword('12345');
 * // ['This password is too short. It must contain at least 8 characters.',
 * //  'This password is too common.', 'This password is entirely numeric.']
 * ```
 */
export function validatePassword(password: string, user?: PasswordUserAttributes): string[] {
  const messages: string[] = [];
  const similarTo = user === undefined ? null : similarAttribute(password, user);
  if (similarTo !== null) messages.push(`The password is too similar to the ${similarTo}.`);
  if (countCodePoints(password) < MIN_LENGTH) {
    messages.push(`This password is too short. It must contain at least ${MIN_LENGTH} characters.`);
  }
  if (commonPasswords().has(pythonStrip(password.toLowerCase()))) messages.push('This password is too common.');
  if (isEntirelyDigits(password)) messages.push('This password is entirely numeric.');
  return messages;
}

// --- UserAttributeSimilarityValidator -------------------------------------------------------

/** Python's `\W+` on str patterns: runs of characters that are neither alphanumeric nor `_`. */
const NON_WORD_RUN = /[^\p{L}\p{N}_]+/u;

/** The verbose name of the first attribute the password is too similar to, or null. */
function similarAttribute(password: string, user: PasswordUserAttributes): string | null {
  const passwordChars = Array.from(password.toLowerCase());
  for (const [attribute, verboseName] of SIMILARITY_ATTRIBUTES) {
    const value = user[attribute];
    if (value === undefined || value === '') continue;
    const valueLower = value.toLowerCase();
    for (const part of [...valueLower.split(NON_WORD_RUN), valueLower]) {
      const partChars = Array.from(part);
      if (exceedsMaximumLengthRatio(passwordChars.length, partChars.length)) continue;
      if (quickRatio(passwordChars, partChars) >= MAX_SIMILARITY) return verboseName;
    }
  }
  return null;
}

/**
 * Django's `exceeds_maximum_length_ratio`: a part this much shorter than the password cannot
 * reach the similarity bound, so it is skipped (which also bounds the work).
 */
function exceedsMaximumLengthRatio(passwordLength: number, partLength: number): boolean {
  const lengthBoundSimilarity = (MAX_SIMILARITY / 2) * passwordLength;
  return passwordLength >= 10 * partLength && partLength < lengthBoundSimilarity;
}

/**
 * `difflib.SequenceMatcher(a=a, b=b).quick_ratio()`: 2 * (characters shared, counted with
 * multiplicity) / (len(a) + len(b)); 1.0 for two empty strings.
 */
function quickRatio(a: readonly string[], b: readonly string[]): number {
  const total = a.length + b.length;
  if (total === 0) return 1;
  const available = new Map<string, number>();
  for (const char of b) available.set(char, (available.get(char) ?? 0) + 1);
  let matches = 0;
  for (const char of a) {
    const count = available.get(char) ?? 0;
    if (count > 0) {
      matches += 1;
      available.set(char, count - 1);
    }
  }
  return (2 * matches) / total;
}

// --- MinimumLengthValidator -----------------------------------------------------------------

/** Python's `len()`: astral characters (surrogate pairs) count once. */
function countCodePoints(text: string): number {
  let count = 0;
  for (const _char of text) count += 1;
  return count;
}

// --- CommonPasswordValidator ----------------------------------------------------------------

let commonPasswordSet: ReadonlySet<string> | undefined;

/**
 * Django's list (19,726 lowercased entries), read and unzipped on first use. The URL is
 * relative to this module, two levels below the package root both as `src/passwords/` and as
 * the compiled `dist/passwords/`.
 */
function commonPasswords(): ReadonlySet<string> {
  if (commonPasswordSet === undefined) {
    const file = new URL('../../data/common-passwords.txt.gz', import.meta.url);
    const lines = gunzipSync(readFileSync(file))
      .toString('utf8')
      .split(/\r\n|\r|\n/);
    // Python's line iteration yields no empty line after the final newline.
    if (lines[lines.length - 1] === '') lines.pop();
    commonPasswordSet = new Set(lines.map(pythonStrip));
  }
  return commonPasswordSet;
}

/**
 * The characters Python's `str.isspace()` accepts (and so `str.strip()` removes). Differs from
 * JavaScript's `trim()`: includes U+001C..U+001F and U+0085, excludes U+FEFF.
 */
const PYTHON_WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

// A loop rather than a regex: /\s+$/-style patterns backtrack quadratically on long input.
function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PYTHON_WHITESPACE.has(text.charCodeAt(start))) start += 1;
  while (end > start && PYTHON_WHITESPACE.has(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(start, end);
}

// --- NumericPasswordValidator ---------------------------------------------------------------

/**
 * Python's `str.isdigit()`: non-empty and every character has Numeric_Type Decimal or Digit.
 * Decimal is exactly `\p{Nd}`; JavaScript has no Numeric_Type property, so the Digit-only
 * characters are listed explicitly (superscripts, subscripts, circled/parenthesised digits,
 * Ethiopic, Kharoshthi, Rumi, Brahmi, digit-comma forms, ...). The table is the 128 characters
 * for which Python 3.11 (Unicode 14.0) gives `isdigit()` true and category != Nd; it is an
 * approximation only in that later Unicode versions may add more.
 */
const ENTIRELY_DIGITS = new RegExp(
  '^[\\p{Nd}' +
    '\\u00B2\\u00B3\\u00B9\\u1369-\\u1371\\u19DA\\u2070\\u2074-\\u2079\\u2080-\\u2089' +
    '\\u2460-\\u2468\\u2474-\\u247C\\u2488-\\u2490\\u24EA\\u24F5-\\u24FD\\u24FF' +
    '\\u2776-\\u277E\\u2780-\\u2788\\u278A-\\u2792' +
    '\\u{10A40}-\\u{10A43}\\u{10E60}-\\u{10E68}\\u{11052}-\\u{1105A}\\u{1F100}-\\u{1F10A}' +
    ']+$',
  'u',
);

function isEntirelyDigits(password: string): boolean {
  return ENTIRELY_DIGITS.test(password);
}
