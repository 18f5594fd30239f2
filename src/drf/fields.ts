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
import { isValidEmail } from './email-validator.js';
import { PYTHON_BLANK, codePointCount, firstLoneSurrogate, pythonStrip } from './python-text.js';

export { isValidEmail } from './email-validator.js';
export { pythonIdnaEncode } from './idna.js';
export { pythonStrip } from './python-text.js';

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

/** A field absent from the body (DRF's `empty` sentinel). */
const MISSING: unique symbol = Symbol('missing');

type FieldOutcome = { kind: 'value'; value: string } | { kind: 'skipped' } | { kind: 'errors'; messages: string[] };

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
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Python's str(): an object prints as its toString(), whatever it is
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
