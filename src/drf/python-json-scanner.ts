/**
 * The scanner behind python-json.ts: a port of the C scanner of CPython 3.11's `_json` module
 * (`Modules/_json.c`), with its order of checks, its error texts and positions.
 */

import { PyFloat, PyInt } from './python-numbers.js';

/** Options of {@link parsePythonJson}. */
export interface PythonJsonOptions {
  /** `'js'` (default): numbers as JS numbers, like `JSON.parse`. `'python'`: {@link PyInt} / {@link PyFloat}. */
  readonly numbers?: 'js' | 'python';
  /**
   * Whether `NaN`, `Infinity` and `-Infinity` are accepted (they are by `json.loads`; default
   * `true`). DRF's `STRICT_JSON` (on by default) rejects them with
   * `Out of range float values are not JSON compliant: 'NaN'`.
   */
  readonly allowConstants?: boolean;
  /**
   * Deepest nesting of arrays/objects accepted. CPython has no such limit of its own: it hits
   * the interpreter's recursion limit, whose remaining head-room depends on the caller's stack.
   * Behind DRF the reference server decodes up to 949 levels on the simplejwt views (948 on a
   * function view such as `/accounts/register/`) and answers 500 beyond; Tessera fails with
   * Python's `RecursionError` text instead.
   */
  readonly maxDepth?: number;
}

/** Nesting depth the reference server accepts on the simplejwt views before a RecursionError. */
export const REFERENCE_MAX_JSON_DEPTH = 949;

/** CPython 3.11's `sys.get_int_max_str_digits()` default: longer int literals are a ValueError. */
export const PYTHON_INT_MAX_STR_DIGITS = 4300;

/**
 * A JSON text CPython would refuse. `message` is exactly `str(exc)` of the Python exception
 * (`json.JSONDecodeError`, or the `ValueError`/`RecursionError` raised while decoding).
 */
export class PythonJsonError extends Error {
  /** The bare message, without the position suffix (`Expecting value`). */
  readonly msg: string;
  /** Code-point offset of the error, or `null` for errors Python reports without a position. */
  readonly pos: number | null;
  readonly lineno: number | null;
  readonly colno: number | null;

  constructor(msg: string, position: { pos: number; lineno: number; colno: number } | null) {
    super(position === null ? msg : `${msg}: line ${position.lineno} column ${position.colno} (char ${position.pos})`);
    this.name = 'PythonJsonError';
    this.msg = msg;
    this.pos = position?.pos ?? null;
    this.lineno = position?.lineno ?? null;
    this.colno = position?.colno ?? null;
  }
}

const CH_TAB = 0x09;
const CH_LF = 0x0a;
const CH_CR = 0x0d;
const CH_SPACE = 0x20;
const CH_QUOTE = 0x22;
const CH_COMMA = 0x2c;
const CH_MINUS = 0x2d;
const CH_DOT = 0x2e;
const CH_ZERO = 0x30;
const CH_ONE = 0x31;
const CH_NINE = 0x39;
const CH_COLON = 0x3a;
const CH_BACKSLASH = 0x5c;
const CH_LBRACKET = 0x5b;
const CH_RBRACKET = 0x5d;
const CH_LBRACE = 0x7b;
const CH_RBRACE = 0x7d;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

function isWhitespace(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB || c === CH_LF || c === CH_CR;
}

function isDigit(c: number): boolean {
  return c >= CH_ZERO && c <= CH_NINE;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** One decoding pass over one document; mirrors `scan_once_unicode` and friends. */
export class Scanner {
  hasDuplicateKeys = false;
  private readonly s: string;
  private readonly len: number;
  private readonly pythonNumbers: boolean;
  private readonly allowConstants: boolean;
  private readonly maxDepth: number;
  private depth = 0;

  constructor(text: string, options: PythonJsonOptions) {
    this.s = text;
    this.len = text.length;
    this.pythonNumbers = options.numbers === 'python';
    this.allowConstants = options.allowConstants ?? true;
    this.maxDepth = options.maxDepth ?? REFERENCE_MAX_JSON_DEPTH;
  }

  /** `json.loads` / `JSONDecoder.decode`. */
  decode(): unknown {
    // json.loads refuses a str that starts with a BOM before looking at anything else.
    if (this.s.charCodeAt(0) === 0xfeff) throw this.error('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
    const [value, end] = this.scanOnce(this.skipWhitespace(0));
    const rest = this.skipWhitespace(end);
    if (rest !== this.len) throw this.error('Extra data', rest);
    return value;
  }

  private skipWhitespace(idx: number): number {
    while (idx < this.len && isWhitespace(this.s.charCodeAt(idx))) idx++;
    return idx;
  }

  /** Python raises StopIteration(idx) here, which `raw_decode` turns into "Expecting value". */
  private expectingValue(idx: number): PythonJsonError {
    return this.error('Expecting value', idx);
  }

  private scanOnce(idx: number): [unknown, number] {
    if (idx >= this.len) throw this.expectingValue(idx);
    const s = this.s;
    switch (s.charCodeAt(idx)) {
      case CH_QUOTE:
        return this.scanString(idx + 1);
      case CH_LBRACE:
        return this.nested('object', () => this.parseObject(idx + 1));
      case CH_LBRACKET:
        return this.nested('array', () => this.parseArray(idx + 1));
      case 0x6e /* n */:
        if (s.startsWith('null', idx)) return [null, idx + 4];
        break;
      case 0x74 /* t */:
        if (s.startsWith('true', idx)) return [true, idx + 4];
        break;
      case 0x66 /* f */:
        if (s.startsWith('false', idx)) return [false, idx + 5];
        break;
      case 0x4e /* N */:
        if (s.startsWith('NaN', idx)) return this.constant('NaN', NaN, idx);
        break;
      case 0x49 /* I */:
        if (s.startsWith('Infinity', idx)) return this.constant('Infinity', Infinity, idx);
        break;
      case CH_MINUS:
        if (s.startsWith('-Infinity', idx)) return this.constant('-Infinity', -Infinity, idx);
        break;
    }
    return this.matchNumber(idx);
  }

  /** `Py_EnterRecursiveCall` stands for CPython's stack guard; its message names the container. */
  private nested(kind: 'object' | 'array', parse: () => [unknown, number]): [unknown, number] {
    if (this.depth >= this.maxDepth) {
      throw new PythonJsonError(`maximum recursion depth exceeded while decoding a JSON ${kind} from a unicode string`, null);
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private constant(name: string, value: number, idx: number): [unknown, number] {
    if (!this.allowConstants) {
      // DRF's json.strict_constant: raise ValueError('... compliant: ' + repr(o))
      throw new PythonJsonError(`Out of range float values are not JSON compliant: '${name}'`, null);
    }
    return [this.pythonNumbers ? new PyFloat(value) : value, idx + name.length];
  }

  /** `_match_number_unicode`: same digit grammar, same backtracking on a bare `e`. */
  private matchNumber(start: number): [unknown, number] {
    const s = this.s;
    const end = this.len;
    let idx = start;
    if (s.charCodeAt(idx) === CH_MINUS) {
      idx++;
      if (idx >= end) throw this.expectingValue(start);
    }
    const first = s.charCodeAt(idx);
    if (first >= CH_ONE && first <= CH_NINE) {
      idx++;
      while (idx < end && isDigit(s.charCodeAt(idx))) idx++;
    } else if (first === CH_ZERO) {
      idx++;
    } else {
      throw this.expectingValue(start);
    }
    let isFloat = false;
    if (idx + 1 < end && s.charCodeAt(idx) === CH_DOT && isDigit(s.charCodeAt(idx + 1))) {
      isFloat = true;
      idx += 2;
      while (idx < end && isDigit(s.charCodeAt(idx))) idx++;
    }
    if (idx + 1 < end && (s.charCodeAt(idx) === 0x65 || s.charCodeAt(idx) === 0x45)) {
      const eStart = idx;
      idx++;
      if (idx + 1 < end && (s.charCodeAt(idx) === CH_MINUS || s.charCodeAt(idx) === 0x2b)) idx++;
      while (idx < end && isDigit(s.charCodeAt(idx))) idx++;
      if (isDigit(s.charCodeAt(idx - 1))) isFloat = true;
      else idx = eStart;
    }
    const literal = s.slice(start, idx);
    if (isFloat) {
      const value = Number(literal);
      return [this.pythonNumbers ? new PyFloat(value) : value, idx];
    }
    const digitCount = literal.charCodeAt(0) === CH_MINUS ? literal.length - 1 : literal.length;
    if (digitCount > PYTHON_INT_MAX_STR_DIGITS) {
      throw new PythonJsonError(
        `Exceeds the limit (${PYTHON_INT_MAX_STR_DIGITS} digits) for integer string conversion: ` +
          `value has ${digitCount} digits; use sys.set_int_max_str_digits() to increase the limit`,
        null,
      );
    }
    return [this.pythonNumbers ? new PyInt(BigInt(literal)) : Number(literal), idx];
  }

  /** `scanstring_unicode` with strict=True. `begin` is just after the opening quote. */
  private scanString(begin: number): [string, number] {
    const s = this.s;
    const len = this.len;
    let end = begin;
    const chunks: string[] = [];
    for (;;) {
      let next = end;
      let c = 0;
      for (; next < len; next++) {
        c = s.charCodeAt(next);
        if (c === CH_QUOTE || c === CH_BACKSLASH) break;
        if (c <= 0x1f) throw this.error('Invalid control character at', next);
      }
      if (next >= len || (c !== CH_QUOTE && c !== CH_BACKSLASH)) {
        throw this.error('Unterminated string starting at', begin - 1);
      }
      if (next !== end) chunks.push(s.slice(end, next));
      next++;
      if (c === CH_QUOTE) {
        end = next;
        break;
      }
      if (next === len) throw this.error('Unterminated string starting at', begin - 1);
      const escape = s[next] ?? '';
      if (escape !== 'u') {
        end = next + 1;
        const replacement = SIMPLE_ESCAPES[escape];
        if (replacement === undefined) throw this.error('Invalid \\escape', end - 2);
        chunks.push(replacement);
        continue;
      }
      next++;
      end = next + 4;
      if (end >= len) throw this.error('Invalid \\uXXXX escape', next - 1);
      const unit = this.hex4(next, end);
      // A high surrogate followed by an escaped low surrogate makes one code point, but only
      // when the document goes on after it (CPython tests `end + 6 < len`).
      if (unit >= 0xd800 && unit <= 0xdbff && end + 6 < len && s.charCodeAt(end) === CH_BACKSLASH && s.charCodeAt(end + 1) === 0x75) {
        const low = this.hex4(end + 2, end + 6);
        if (low >= 0xdc00 && low <= 0xdfff) {
          chunks.push(String.fromCharCode(unit, low));
          end += 6;
          continue;
        }
      }
      chunks.push(String.fromCharCode(unit));
    }
    return [chunks.join(''), end];
  }

  /** Four hex digits in [from, to); CPython reports a bad digit at the `u` (to - 5). */
  private hex4(from: number, to: number): number {
    let value = 0;
    for (let i = from; i < to; i++) {
      const digit = hexValue(this.s.charCodeAt(i));
      if (digit < 0) throw this.error('Invalid \\uXXXX escape', to - 5);
      value = (value << 4) | digit;
    }
    return value;
  }

  /** `_parse_object_unicode`; `idx` is just after `{`. */
  private parseObject(idx: number): [unknown, number] {
    const s = this.s;
    const len = this.len;
    const result: Record<string, unknown> = {};
    idx = this.skipWhitespace(idx);
    if (idx >= len || s.charCodeAt(idx) !== CH_RBRACE) {
      for (;;) {
        if (idx >= len || s.charCodeAt(idx) !== CH_QUOTE) {
          throw this.error('Expecting property name enclosed in double quotes', idx);
        }
        const [key, afterKey] = this.scanString(idx + 1);
        idx = this.skipWhitespace(afterKey);
        if (idx >= len || s.charCodeAt(idx) !== CH_COLON) throw this.error("Expecting ':' delimiter", idx);
        idx = this.skipWhitespace(idx + 1);
        const [value, afterValue] = this.scanOnce(idx);
        if (Object.prototype.hasOwnProperty.call(result, key)) this.hasDuplicateKeys = true;
        // defineProperty, not assignment: a "__proto__" key must stay data, as with JSON.parse.
        Object.defineProperty(result, key, { value, writable: true, enumerable: true, configurable: true });
        idx = this.skipWhitespace(afterValue);
        if (idx < len && s.charCodeAt(idx) === CH_RBRACE) break;
        if (idx >= len || s.charCodeAt(idx) !== CH_COMMA) throw this.error("Expecting ',' delimiter", idx);
        idx = this.skipWhitespace(idx + 1);
      }
    }
    return [result, idx + 1];
  }

  /** `_parse_array_unicode`; `idx` is just after `[`. */
  private parseArray(idx: number): [unknown, number] {
    const s = this.s;
    const len = this.len;
    const result: unknown[] = [];
    idx = this.skipWhitespace(idx);
    if (idx >= len || s.charCodeAt(idx) !== CH_RBRACKET) {
      for (;;) {
        const [value, afterValue] = this.scanOnce(idx);
        result.push(value);
        idx = this.skipWhitespace(afterValue);
        if (idx < len && s.charCodeAt(idx) === CH_RBRACKET) break;
        if (idx >= len || s.charCodeAt(idx) !== CH_COMMA) throw this.error("Expecting ',' delimiter", idx);
        idx = this.skipWhitespace(idx + 1);
      }
    }
    return [result, idx + 1];
  }

  /** A `JSONDecodeError` at UTF-16 offset `unitPos`, positioned in code points as Python does. */
  private error(msg: string, unitPos: number): PythonJsonError {
    const before = this.s.slice(0, unitPos);
    const pos = codePointLength(before);
    const lastNewline = before.lastIndexOf('\n');
    let lineno = 1;
    for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) lineno++;
    const colno = lastNewline === -1 ? pos + 1 : pos - codePointLength(before.slice(0, lastNewline));
    return new PythonJsonError(msg, { pos, lineno, colno });
  }
}

/** Length in code points; a lone surrogate counts as one, as in a Python str. */
function codePointLength(text: string): number {
  let pairs = 0;
  for (let i = 0; i + 1 < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return text.length - pairs;
}
