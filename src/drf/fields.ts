/**
 * DRF 3.14 serializer-field validation for the string fields Tessera's endpoints take
 * (`CharField`, `EmailField`), with DRF's messages, checks and check order.
 *
 * What DRF does, in order, for one field (`CharField.run_validation`):
 * 1. blank: `data == ''`, or (with `trim_whitespace`) `str(data).strip() == ''`
 *    -> "This field may not be blank." (before the missing/null checks, and on `str()` of
 *    whatever came in);
 * 2. missing -> "This field is required." (or skipped when optional); `null` -> "This field
 *    may not be null.";
 * 3. `to_internal_value`: bool, list, dict, file -> "Not a valid string." ("Enter a valid email
 *    address." for an EmailField, whose `invalid` message replaces CharField's); int and float
 *    are printed as Python's `str()` prints them; the result is stripped;
 * 4. every validator runs and all their messages are kept, in this order: max length, null
 *    character, surrogate, email.
 *
 * Form bodies (urlencoded, multipart) differ in one way: an optional field sent empty counts
 * as not sent (DRF's `html.is_html_input` branch of `Field.get_value`). The body parser marks
 * such bodies with {@link markHtmlFormInput}.
 *
 * Python semantics that matter here: `str.strip()` strips Python's whitespace set (which is not
 * JavaScript's: U+001C..U+001F and U+0085 are whitespace, U+FEFF is not), and lengths count
 * code points.
 */

import { FIELD_MESSAGES, TesseraError, type FieldErrors } from '../errors.js';
import { PyFloat, PyInt, pythonFloatRepr } from './python-json.js';

/** A string field of a serializer. */
export interface FieldSpec {
  /** Key in the request body, and in the error dict. */
  name: string;
  kind: 'char' | 'email';
  /** Default `true`. */
  required?: boolean;
  /** Strip Python whitespace from both ends before validating (DRF default `true`). */
  trimWhitespace?: boolean;
  /** In code points, as Python's `len()`. */
  maxLength?: number;
}

// The messages live in the one registry (errors.ts); these names are what the parsers use.
export const MSG_REQUIRED = FIELD_MESSAGES.required;
export const MSG_NULL = FIELD_MESSAGES.null;
export const MSG_NOT_A_STRING = FIELD_MESSAGES.notAString;
export const MSG_BLANK = FIELD_MESSAGES.blank;
export const MSG_NULL_CHARACTERS = FIELD_MESSAGES.nullCharacters;
export const MSG_INVALID_EMAIL = FIELD_MESSAGES.invalidEmail;
/** The serializer's own `null` message, for a `null` body. */
export const MSG_NO_DATA = FIELD_MESSAGES.noData;

/** `Ensure this field has no more than {max_length} characters.` */
export function msgMaxLength(maxLength: number): string {
  return `Ensure this field has no more than ${maxLength} characters.`;
}

/** `Surrogate characters are not allowed: U+{code_point:X}.` */
export function msgSurrogate(codePoint: number): string {
  return `Surrogate characters are not allowed: U+${codePoint.toString(16).toUpperCase()}.`;
}

/** `Invalid data. Expected a dictionary, but got {datatype}.` with Python's type name. */
export function msgNotADictionary(pythonTypeName: string): string {
  return `Invalid data. Expected a dictionary, but got ${pythonTypeName}.`;
}

const htmlFormInputs = new WeakSet<object>();

/**
 * Mark a body as coming from an HTML form (urlencoded or multipart), so that optional fields
 * sent empty are treated as absent, as DRF does for `QueryDict` data. Returns `values`.
 */
export function markHtmlFormInput<T extends object>(values: T): T {
  htmlFormInputs.add(values);
  return values;
}

/** Whether {@link markHtmlFormInput} marked `data`. */
export function isHtmlFormInput(data: unknown): boolean {
  return typeof data === 'object' && data !== null && htmlFormInputs.has(data);
}

/**
 * Validate `data` (a parsed request body) against `specs` like a DRF serializer with these
 * declared fields, and return the cleaned values of the fields that were given.
 *
 * @throws {TesseraError} `validation_failed`: `{"field": [messages]}` for every failing field,
 *   in `specs` order; or `{"non_field_errors": [...]}` when `data` is `null` ("No data
 *   provided") or not a dictionary ("Invalid data. Expected a dictionary, but got list.").
 */
export function validateFields(data: unknown, specs: readonly FieldSpec[]): Record<string, string> {
  const { values, errors } = checkFields(data, specs);
  if (Object.keys(errors).length > 0) throw TesseraError.fields(errors);
  return values;
}

/**
 * {@link validateFields} without the throw for field errors: the cleaned values of the fields
 * that passed and the messages of those that did not, in `specs` order (a view that adds its own
 * checks, like registration, merges both). A body that is no dictionary still throws.
 *
 * @example
 * ```ts
 * const { values, errors } = checkFields({ token: 'abc', extra: 1 }, [{ name: 'token', kind: 'char' }]);
 * // values: { token: 'abc' }, errors: {}
 * ```
 */
export function checkFields(data: unknown, specs: readonly FieldSpec[]): { values: Record<string, string>; errors: FieldErrors } {
  if (data === null || data === undefined) throw TesseraError.nonField(MSG_NO_DATA);
  if (!isMapping(data)) throw TesseraError.nonField(msgNotADictionary(pythonTypeName(data)));
  const fromForm = isHtmlFormInput(data);
  const values: Record<string, string> = {};
  const errors: FieldErrors = {};
  for (const spec of specs) {
    const outcome = validateField(fieldValue(data, spec, fromForm), spec);
    if (outcome.kind === 'errors') errors[spec.name] = outcome.messages;
    else if (outcome.kind === 'value') values[spec.name] = outcome.value;
  }
  return { values, errors };
}

/** The Python type name DRF prints for a parsed JSON value (`list`, `str`, `int`, ...). */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (value instanceof PyInt || typeof value === 'bigint') return 'int';
  if (value instanceof PyFloat) return 'float';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isSafeInteger(value) ? 'int' : 'float';
    default:
      return isMapping(value) ? 'dict' : 'object';
  }
}

/**
 * Python's `str.strip()`: removes the characters for which `str.isspace()` is true, which is
 * not JavaScript's `trim()` set.
 */
export function pythonStrip(text: string): string {
  return text.replace(PYTHON_STRIP, '');
}

const PYTHON_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PYTHON_STRIP = new RegExp(`^[${PYTHON_WHITESPACE}]+|[${PYTHON_WHITESPACE}]+$`, 'g');
const PYTHON_BLANK = new RegExp(`^[${PYTHON_WHITESPACE}]*$`);

/** A field absent from the body (DRF's `empty` sentinel). */
const MISSING: unique symbol = Symbol('missing');

type FieldOutcome =
  | { kind: 'value'; value: string }
  | { kind: 'skipped' }
  | { kind: 'errors'; messages: string[] };

function isMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `Field.get_value`: JSON dicts and HTML forms differ for optional fields sent empty. */
function fieldValue(data: Record<string, unknown>, spec: FieldSpec, fromForm: boolean): unknown {
  if (!Object.prototype.hasOwnProperty.call(data, spec.name)) return MISSING;
  const value = data[spec.name];
  if (fromForm && value === '' && spec.required === false) return MISSING;
  return value;
}

/**
 * Printable ASCII, no space: the shape of every token and of most usernames. Such a string is
 * not blank, `strip()` leaves it alone, it has no NUL and no surrogate, and each character is
 * one code point, so only the length and email rules can refuse it.
 */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** `CharField.run_validation` (+ `EmailField`'s validator). */
function validateField(data: unknown, spec: FieldSpec): FieldOutcome {
  // The common case, without the per-character passes below (a token is ~250 characters; the
  // passes were a third of the verify view's field validation: docs/decisions.md D15).
  if (typeof data === 'string' && PRINTABLE_ASCII.test(data)) {
    const messages: string[] = [];
    if (spec.maxLength !== undefined && data.length > spec.maxLength) messages.push(msgMaxLength(spec.maxLength));
    if (spec.kind === 'email' && !isValidEmail(data)) messages.push(MSG_INVALID_EMAIL);
    return messages.length > 0 ? { kind: 'errors', messages } : { kind: 'value', value: data };
  }
  const trim = spec.trimWhitespace ?? true;
  if (data === '' || (trim && isBlankWhenPrinted(data))) return { kind: 'errors', messages: [MSG_BLANK] };
  if (data === MISSING) return spec.required === false ? { kind: 'skipped' } : { kind: 'errors', messages: [MSG_REQUIRED] };
  if (data === null || data === undefined) return { kind: 'errors', messages: [MSG_NULL] };
  const printed = printScalar(data);
  // EmailField overrides CharField's 'invalid' message, which is also the wrong-type message.
  if (printed === null) return { kind: 'errors', messages: [spec.kind === 'email' ? MSG_INVALID_EMAIL : MSG_NOT_A_STRING] };
  const value = trim ? pythonStrip(printed) : printed;
  const messages = runValidators(value, spec);
  return messages.length > 0 ? { kind: 'errors', messages } : { kind: 'value', value };
}

/**
 * Whether Python's `str(data).strip()` is empty. Lists and dicts never print empty; other
 * objects (an uploaded file prints its name) print as their `toString()`.
 */
function isBlankWhenPrinted(data: unknown): boolean {
  if (typeof data === 'string') return PYTHON_BLANK.test(data);
  if (typeof data !== 'object' || data === null || Array.isArray(data) || isMapping(data)) return false;
  return PYTHON_BLANK.test(String(data));
}

/** `CharField.to_internal_value` before stripping: str, int and float print; anything else is refused. */
function printScalar(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (data instanceof PyInt || data instanceof PyFloat) return data.toString();
  if (typeof data === 'bigint') return data.toString();
  if (typeof data === 'number') {
    // A plain JS number (not from the Python-faithful JSON reader): integers print as ints.
    return Number.isSafeInteger(data) ? String(data) : pythonFloatRepr(data);
  }
  return null;
}

/** `Field.run_validators`: every validator runs; all messages are kept. */
function runValidators(value: string, spec: FieldSpec): string[] {
  const messages: string[] = [];
  if (spec.maxLength !== undefined && codePointCount(value) > spec.maxLength) messages.push(msgMaxLength(spec.maxLength));
  if (value.includes('\0')) messages.push(MSG_NULL_CHARACTERS);
  const surrogate = firstLoneSurrogate(value);
  if (surrogate !== null) messages.push(msgSurrogate(surrogate));
  if (spec.kind === 'email' && !isValidEmail(value)) messages.push(MSG_INVALID_EMAIL);
  return messages;
}

function codePointCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Python sees a lone surrogate as a code point of its own; a valid pair is one astral code point. */
function firstLoneSurrogate(text: string): number | null {
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff) return cp;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Django 3.2's EmailValidator.
//
// Its regexes are compiled with re.IGNORECASE, under which Python's [A-Z] also matches a-z and
// four non-ASCII letters whose simple case mapping lands in A-Z/a-z: U+0130, U+0131, U+017F,
// U+212A. The classes below spell that out instead of relying on JavaScript's /i, which differs.

const CASE_EXTRAS = '\\u0130\\u0131\\u017F\\u212A';
const ATEXT = `\\-!#$%&'*+/=?^_\`{}|~0-9A-Za-z${CASE_EXTRAS}`;
const USER_DOT_ATOM = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`, 'u');
const USER_QUOTED = new RegExp(
  `^"(?:[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f!#-\\[\\]-\\x7f${CASE_EXTRAS}]|\\\\[\\x01-\\x09\\x0b\\x0c\\x0e-\\x7f${CASE_EXTRAS}])*"$`,
  'u',
);
const ALNUM = `0-9A-Za-z${CASE_EXTRAS}`;
const DOMAIN = new RegExp(`^(?:(?:[${ALNUM}](?:[${ALNUM}-]{0,61}[${ALNUM}])?\\.)+)(?:[${ALNUM}-]{2,63}(?<!-))$`, 'u');
// [A-f0-9:.] with IGNORECASE: A-Z, the six characters between Z and a, a-z, digits, ':', '.'.
const LITERAL = new RegExp(`^\\[([A-Za-z\\[\\\\\\]^_\`0-9:.${CASE_EXTRAS}]+)\\]$`, 'u');
const DOMAIN_ALLOWLIST: readonly string[] = ['localhost'];

/**
 * Django 3.2's `EmailValidator()(value)` as a predicate: dot-atom or quoted local part, then a
 * DNS name, `[IPv4]`/`[IPv6]` literal, `localhost`, or an internationalised name that Python's
 * `idna` codec can encode.
 */
export function isValidEmail(value: string): boolean {
  if (value === '' || !value.includes('@') || codePointCount(value) > 320) return false;
  const at = value.lastIndexOf('@');
  const userPart = value.slice(0, at);
  const domainPart = value.slice(at + 1);
  if (!USER_DOT_ATOM.test(userPart) && !USER_QUOTED.test(userPart)) return false;
  if (DOMAIN_ALLOWLIST.includes(domainPart) || isValidDomainPart(domainPart)) return true;
  const ascii = pythonIdnaEncode(domainPart);
  return ascii !== null && isValidDomainPart(ascii);
}

function isValidDomainPart(domainPart: string): boolean {
  if (DOMAIN.test(domainPart)) return true;
  const literal = LITERAL.exec(domainPart);
  return literal !== null && isValidIpv46(literal[1] ?? '');
}

/** Django's `validate_ipv46_address` on Python 3.11's `ipaddress`. */
function isValidIpv46(text: string): boolean {
  return parseIpv4(text) !== null || isValidIpv6(text);
}

/** `ipaddress.IPv4Address`: four decimal octets, no leading zeros, ASCII digits only. */
function parseIpv4(text: string): number | null {
  const octets = text.split('.');
  if (octets.length !== 4) return null;
  let value = 0;
  for (const octet of octets) {
    if (!/^[0-9]{1,3}$/.test(octet) || (octet !== '0' && octet.startsWith('0'))) return null;
    const n = Number(octet);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

/** `django.utils.ipv6.is_valid_ipv6_address`: at most 39 characters, then `ipaddress.IPv6Address`. */
function isValidIpv6(text: string): boolean {
  if (codePointCount(text) > 39 || text === '' || text.includes('/')) return false;
  const parts = text.split(':');
  if (parts.length < 3) return false;
  const last = parts[parts.length - 1] ?? '';
  if (last.includes('.')) {
    const ipv4 = parseIpv4(last);
    if (ipv4 === null) return false;
    parts.pop();
    parts.push(Math.floor(ipv4 / 0x10000).toString(16), (ipv4 % 0x10000).toString(16));
  }
  if (parts.length > 9) return false;
  let skipIndex: number | null = null;
  for (let i = 1; i < parts.length - 1; i++) {
    if (parts[i] === '') {
      if (skipIndex !== null) return false;
      skipIndex = i;
    }
  }
  let partsHi: number;
  let partsLo: number;
  if (skipIndex !== null) {
    partsHi = skipIndex;
    partsLo = parts.length - skipIndex - 1;
    if (parts[0] === '' && --partsHi !== 0) return false;
    if (parts[parts.length - 1] === '' && --partsLo !== 0) return false;
    if (8 - (partsHi + partsLo) < 1) return false;
  } else {
    if (parts.length !== 8 || parts[0] === '' || parts[7] === '') return false;
    partsHi = parts.length;
    partsLo = 0;
  }
  const hextets = [...parts.slice(0, partsHi), ...parts.slice(parts.length - partsLo)];
  return hextets.every((hextet) => /^[0-9a-fA-F]{1,4}$/.test(hextet));
}

// ---------------------------------------------------------------------------------------------
// Python's `idna` codec (IDNA 2003: nameprep + punycode), as `str.encode('idna')`.
//
// Exact: label splitting, the ASCII fast path and its length rules, table B.1 (mapped to
// nothing), the prohibited tables C.1.2-C.9, bidi table D.1, the ACE-prefix rule, punycode.
// Approximated (documented deviation): table B.2 (case folding) uses per-character
// toLowerCase plus the full foldings that change length; NFKC uses the current Unicode
// version, not 3.2; bidi table D.2 (left-to-right) is approximated by letters and spacing
// marks outside the right-to-left scripts. The approximations only matter for labels mixing
// scripts in unusual ways or characters added to Unicode after 3.2.

type Ranges = readonly (readonly [number, number])[];

const TABLE_B1: Ranges = [
  [0xad, 0xad], [0x34f, 0x34f], [0x1806, 0x1806], [0x180b, 0x180d], [0x200b, 0x200d], [0x2060, 0x2060],
  [0xfe00, 0xfe0f], [0xfeff, 0xfeff],
];

/** C.1.2, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9, merged. */
const TABLE_PROHIBITED: Ranges = [
  [0x80, 0xa0], [0x340, 0x341], [0x6dd, 0x6dd], [0x70f, 0x70f], [0x1680, 0x1680], [0x180e, 0x180e],
  [0x2000, 0x200f], [0x2028, 0x202f], [0x205f, 0x2063], [0x206a, 0x206f], [0x2ff0, 0x2ffb], [0x3000, 0x3000],
  [0xd800, 0xf8ff], [0xfdd0, 0xfdef], [0xfeff, 0xfeff], [0xfff9, 0xffff], [0x1d173, 0x1d17a],
  [0x1fffe, 0x1ffff], [0x2fffe, 0x2ffff], [0x3fffe, 0x3ffff], [0x4fffe, 0x4ffff], [0x5fffe, 0x5ffff],
  [0x6fffe, 0x6ffff], [0x7fffe, 0x7ffff], [0x8fffe, 0x8ffff], [0x9fffe, 0x9ffff], [0xafffe, 0xaffff],
  [0xbfffe, 0xbffff], [0xcfffe, 0xcffff], [0xdfffe, 0xdffff], [0xe0001, 0xe0001], [0xe0020, 0xe007f],
  [0xefffe, 0x10ffff],
];

/** D.1: characters with bidi property R or AL (Unicode 3.2). */
const TABLE_D1: Ranges = [
  [0x5be, 0x5be], [0x5c0, 0x5c0], [0x5c3, 0x5c3], [0x5d0, 0x5ea], [0x5f0, 0x5f4], [0x61b, 0x61b],
  [0x61f, 0x61f], [0x621, 0x63a], [0x640, 0x64a], [0x66d, 0x66f], [0x671, 0x6d5], [0x6dd, 0x6dd],
  [0x6e5, 0x6e6], [0x6fa, 0x6fe], [0x700, 0x70d], [0x710, 0x710], [0x712, 0x72c], [0x780, 0x7a5],
  [0x7b1, 0x7b1], [0x200f, 0x200f], [0xfb1d, 0xfb1d], [0xfb1f, 0xfb28], [0xfb2a, 0xfb36], [0xfb38, 0xfb3c],
  [0xfb3e, 0xfb3e], [0xfb40, 0xfb41], [0xfb43, 0xfb44], [0xfb46, 0xfbb1], [0xfbd3, 0xfd3d], [0xfd50, 0xfd8f],
  [0xfd92, 0xfdc7], [0xfdf0, 0xfdfc], [0xfe70, 0xfe74], [0xfe76, 0xfefc],
];

/** Full case foldings (B.2) whose result is not `toLowerCase()`'s. */
const SPECIAL_FOLDS: Readonly<Record<string, string>> = {
  '\u00df': 'ss',
  '\u1e9e': 'ss',
  '\u03c2': '\u03c3',
  '\u017f': 's',
  '\u0149': '\u02bcn',
  '\u01f0': 'j\u030c',
  '\u0390': '\u03b9\u0308\u0301',
  '\u03b0': '\u03c5\u0308\u0301',
  '\u0587': '\u0565\u0582',
  '\u1e96': 'h\u0331',
  '\u1e97': 't\u0308',
  '\u1e98': 'w\u030a',
  '\u1e99': 'y\u030a',
  '\u1e9a': 'a\u02be',
  '\u0345': '\u03b9',
  '\u037a': ' \u03b9',
};

const LEFT_TO_RIGHT_APPROX = /[\p{L}\p{Mc}]/u;
const RIGHT_TO_LEFT_SCRIPTS =
  /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}]/u;
const IDNA_DOTS = /[.\u3002\uff0e\uff61]/;

function inRanges(cp: number, ranges: Ranges): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const range = ranges[mid];
    if (range === undefined) return false;
    if (cp < range[0]) hi = mid - 1;
    else if (cp > range[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

/** `domain.encode('idna').decode('ascii')`, or `null` where Python raises UnicodeError. */
export function pythonIdnaEncode(domain: string): string | null {
  if (domain === '') return '';
  if (isAscii(domain)) {
    const labels = domain.split('.');
    const last = labels.pop() ?? '';
    if (labels.some((label) => label.length === 0 || label.length >= 64) || last.length >= 64) return null;
    return domain;
  }
  const labels = domain.split(IDNA_DOTS);
  let trailingDot = '';
  if (labels.length > 0 && labels[labels.length - 1] === '') {
    trailingDot = '.';
    labels.pop();
  }
  const encoded: string[] = [];
  for (const label of labels) {
    const ascii = idnaToAscii(label);
    if (ascii === null) return null;
    encoded.push(ascii);
  }
  return encoded.join('.') + trailingDot;
}

/** RFC 3490 ToASCII with AllowUnassigned and without UseSTD3ASCIIRules, as `encodings.idna`. */
function idnaToAscii(label: string): string | null {
  const withinLimits = (ascii: string): string | null => (ascii.length > 0 && ascii.length < 64 ? ascii : null);
  if (isAscii(label)) return withinLimits(label);
  const prepared = nameprep(label);
  if (prepared === null) return null;
  if (isAscii(prepared)) return withinLimits(prepared);
  if (prepared.startsWith('xn--')) return null;
  return withinLimits(`xn--${punycodeEncode(prepared)}`);
}

/** RFC 3491 nameprep (see the approximations noted above). */
function nameprep(label: string): string | null {
  let mapped = '';
  for (const ch of label) {
    const cp = ch.codePointAt(0) ?? 0;
    if (inRanges(cp, TABLE_B1)) continue;
    mapped += SPECIAL_FOLDS[ch] ?? ch.toLowerCase();
  }
  const normalized = mapped.normalize('NFKC');
  const chars = [...normalized];
  const codePoints = chars.map((ch) => ch.codePointAt(0) ?? 0);
  if (codePoints.some((cp) => inRanges(cp, TABLE_PROHIBITED))) return null;
  const randAL = codePoints.map((cp) => inRanges(cp, TABLE_D1));
  if (randAL.some(Boolean)) {
    const hasLeftToRight = chars.some((ch, i) => !randAL[i] && LEFT_TO_RIGHT_APPROX.test(ch) && !RIGHT_TO_LEFT_SCRIPTS.test(ch));
    if (hasLeftToRight) return null;
    if (!randAL[0] || !randAL[randAL.length - 1]) return null;
  }
  return normalized;
}

/** RFC 3492 Punycode encoding of a string's code points (Python's `punycode` codec). */
function punycodeEncode(input: string): string {
  const base = 36;
  const tMin = 1;
  const tMax = 26;
  const codePoints = [...input].map((ch) => ch.codePointAt(0) ?? 0);
  let output = codePoints.filter((cp) => cp < 0x80).map((cp) => String.fromCharCode(cp)).join('');
  const basicCount = output.length;
  let handled = basicCount;
  if (basicCount > 0) output += '-';
  const digit = (d: number): string => String.fromCharCode(d < 26 ? d + 97 : d + 22);
  const adapt = (delta: number, numPoints: number, first: boolean): number => {
    delta = first ? Math.floor(delta / 700) : delta >> 1;
    delta += Math.floor(delta / numPoints);
    let k = 0;
    while (delta > ((base - tMin) * tMax) >> 1) {
      delta = Math.floor(delta / (base - tMin));
      k += base;
    }
    return k + Math.floor(((base - tMin + 1) * delta) / (delta + 38));
  };
  let n = 0x80;
  let delta = 0;
  let bias = 72;
  while (handled < codePoints.length) {
    const m = Math.min(...codePoints.filter((cp) => cp >= n));
    delta += (m - n) * (handled + 1);
    n = m;
    for (const cp of codePoints) {
      if (cp < n) delta++;
      if (cp !== n) continue;
      let q = delta;
      for (let k = base; ; k += base) {
        const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
        if (q < t) break;
        output += digit(t + ((q - t) % (base - t)));
        q = Math.floor((q - t) / (base - t));
      }
      output += digit(q);
      bias = adapt(delta, handled + 1, handled === basicCount);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return output;
}
