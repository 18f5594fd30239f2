/**
 * A JSON reader that accepts and rejects exactly what CPython 3.11's `json.loads` does, and
 * fails with exactly CPython's error text.
 *
 * DRF answers a malformed JSON body with `{"detail": "JSON parse error - <Python's message>"}`,
 * so the message (and its `line L column C (char N)` suffix) is part of the wire format. The
 * reader mirrors the C scanner of CPython's `_json` module (`Modules/_json.c`), which is what
 * the reference server runs: the same order of checks, the same error positions, the same
 * quirks (no "trailing comma" message in 3.11, `\u` escapes checked against the end of the
 * document, surrogate-pair joining only when more text follows, ...).
 *
 * Why not `JSON.parse` with a fallback: the things Tessera needs from the source text are not
 * exposed by `JSON.parse` in Node 20 (int vs float, digit counts of big ints, repeated keys,
 * nesting depth), so a single scanner is both simpler and the only way to keep the two paths
 * from disagreeing. Request bodies on these endpoints are a few hundred bytes.
 *
 * Numbers: Python keeps `1` (int) and `1.0` (float) apart, and a `CharField` prints them
 * differently (`"1"` vs `"1.0"`). With `numbers: 'python'` the reader returns {@link PyInt}
 * (exact `bigint`) and {@link PyFloat} wrappers that remember which one the text was; with the
 * default `numbers: 'js'` it returns plain JS numbers, as `JSON.parse` would.
 *
 * Positions: Python counts code points, JS strings count UTF-16 units. The scanner works on
 * units (every decision it takes is about ASCII characters) and converts a position to code
 * points only when it builds an error.
 */

import { Scanner, type PythonJsonOptions } from './python-json-scanner.js';

export { PYTHON_INT_MAX_STR_DIGITS, PythonJsonError, REFERENCE_MAX_JSON_DEPTH, type PythonJsonOptions } from './python-json-scanner.js';
export { PyFloat, PyInt, pythonFloatRepr } from './python-numbers.js';

/** Result of {@link parsePythonJsonDetailed}. */
export interface PythonJsonResult {
  readonly value: unknown;
  /** `true` when some object repeated a key (Python keeps the last value, as does this reader). */
  readonly hasDuplicateKeys: boolean;
}

/**
 * Decode `text` as Python's `json.loads(text)` would.
 *
 * @throws {PythonJsonError} with CPython's exact message when Python would raise.
 * @example
 * ```ts
 * parsePythonJson('{"a": NaN}');           // { a: NaN }
 * parsePythonJson('{');                    // throws "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
 * parsePythonJson('1.0', { numbers: 'python' }); // PyFloat(1), prints "1.0"
 * ```
 */
export function parsePythonJson(text: string, options: PythonJsonOptions = {}): unknown {
  return parsePythonJsonDetailed(text, options).value;
}

/**
 * {@link parsePythonJson}, also telling whether an object repeated a key, for callers (token
 * payloads) that must refuse what Python silently accepts.
 */
export function parsePythonJsonDetailed(text: string, options: PythonJsonOptions = {}): PythonJsonResult {
  const scanner = new Scanner(text, options);
  const value = scanner.decode();
  return { value, hasDuplicateKeys: scanner.hasDuplicateKeys };
}
