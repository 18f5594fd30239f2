import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PyFloat,
  PyInt,
  PythonJsonError,
  REFERENCE_MAX_JSON_DEPTH,
  parsePythonJson,
  parsePythonJsonDetailed,
  pythonFloatRepr,
} from './python-json.js';

/** The message `parsePythonJson` fails with, or `null` when it succeeds. */
function failure(text: string): string | null {
  try {
    parsePythonJson(text);
    return null;
  } catch (error) {
    if (error instanceof PythonJsonError) return error.message;
    throw error;
  }
}

describe('parsePythonJson error messages', () => {
  // Each expectation is the text after "JSON parse error - " in the reference's answer to
  //   curl -s -X POST -H 'Content-Type: application/json' --data-binary '<input>' http://127.0.0.1:8300/api/token/
  // (DRF 3.14 on the reference's Python 3.11), observed for every row below.
  it.each([
    ['{', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['{"username":"a" "password":"b"}', "Expecting ',' delimiter: line 1 column 17 (char 16)"],
    ['{"username" "a"}', "Expecting ':' delimiter: line 1 column 13 (char 12)"],
    ['{"username":"a"', "Expecting ',' delimiter: line 1 column 16 (char 15)"],
    ['{"username":"a\\x"}', 'Invalid \\escape: line 1 column 15 (char 14)'],
    ['{"username":"\\u12"}', 'Invalid \\uXXXX escape: line 1 column 15 (char 14)'],
    ['{"username":"\\u12G4"}', 'Invalid \\uXXXX escape: line 1 column 15 (char 14)'],
    ['{"username":"a\tb"}', 'Invalid control character at: line 1 column 15 (char 14)'],
    ['{"username":"abc', 'Unterminated string starting at: line 1 column 13 (char 12)'],
    // Python 3.11 has no "trailing comma" message: it expects a name or a value there.
    ['{"username":1,}', 'Expecting property name enclosed in double quotes: line 1 column 15 (char 14)'],
    ['[1,]', 'Expecting value: line 1 column 4 (char 3)'],
    ['{} x', 'Extra data: line 1 column 4 (char 3)'],
    ['\n\n  {"a":\n  x}', 'Expecting value: line 4 column 3 (char 12)'],
    // Positions count code points: "é" and "😀" are one character each.
    ['{"é😀":x}', 'Expecting value: line 1 column 7 (char 6)'],
    ['-', 'Expecting value: line 1 column 1 (char 0)'],
    ['01', 'Extra data: line 1 column 2 (char 1)'],
    ['', 'Expecting value: line 1 column 1 (char 0)'],
    // printf '\xef\xbb\xbf{}' | curl ... -> the BOM survives UTF-8 decoding and json.loads refuses it.
    ['\ufeff{}', 'Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)'],
  ])('%j -> %s', (input, message) => {
    expect(failure(input)).toBe(message);
  });

  // The rows below were checked with the reference's interpreter:
  //   /usr/bin/python3 -c 'import json,sys; json.loads(sys.argv[1])' '<input>'
  // together with ~200,000 generated inputs compared with this reader (no difference).
  it.each([
    ['{"a"', "Expecting ':' delimiter: line 1 column 5 (char 4)"],
    ['{"a":', 'Expecting value: line 1 column 6 (char 5)'],
    ['[', 'Expecting value: line 1 column 2 (char 1)'],
    ['[1 2]', "Expecting ',' delimiter: line 1 column 4 (char 3)"],
    ['"\\', 'Unterminated string starting at: line 1 column 1 (char 0)'],
    ['"abc\\', 'Unterminated string starting at: line 1 column 1 (char 0)'],
    // The \u escape is checked against the end of the document before its digits are read.
    ['"\\u1234', 'Invalid \\uXXXX escape: line 1 column 3 (char 2)'],
    ['"\\u1234"', null],
    // A high surrogate escape followed by a bad second escape: the error points at its "u".
    ['"\\ud800\\uzzzz"', 'Invalid \\uXXXX escape: line 1 column 9 (char 8)'],
    ['nul', 'Expecting value: line 1 column 1 (char 0)'],
    ['tru', 'Expecting value: line 1 column 1 (char 0)'],
    ['-Inf', 'Expecting value: line 1 column 1 (char 0)'],
    ['1.', 'Extra data: line 1 column 2 (char 1)'],
    ['.5', 'Expecting value: line 1 column 1 (char 0)'],
    ['1e', 'Extra data: line 1 column 2 (char 1)'],
    ['1e+', 'Extra data: line 1 column 2 (char 1)'],
    ['"a\nb"', 'Invalid control character at: line 1 column 3 (char 2)'],
    ['"😀\\q"', 'Invalid \\escape: line 1 column 3 (char 2)'],
    ['{"a":1}\n\n}', 'Extra data: line 3 column 1 (char 9)'],
  ])('%j -> %s', (input, message) => {
    expect(failure(input)).toBe(message);
  });

  it('rejects ints longer than Python 3.11 converts, with its ValueError text', () => {
    // printf '{"username":1111...(4301 digits)}' | curl ... -> 400, detail below
    const message =
      'Exceeds the limit (4300 digits) for integer string conversion: value has 4301 digits; ' +
      'use sys.set_int_max_str_digits() to increase the limit';
    expect(failure(`{"username":${'1'.repeat(4301)}}`)).toBe(message);
    expect(failure(`-${'1'.repeat(4301)}`)).toBe(message);
    expect(failure('1'.repeat(4300))).toBeNull();
    // Floats have no such limit.
    expect(failure(`${'1'.repeat(5000)}.5`)).toBeNull();
  });

  it('reports the error as a PythonJsonError with Python positions', () => {
    try {
      parsePythonJson('{\n  "a": 1,\n  x\n}');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PythonJsonError);
      const e = error as PythonJsonError;
      expect([e.msg, e.lineno, e.colno, e.pos]).toEqual(['Expecting property name enclosed in double quotes', 3, 3, 14]);
    }
  });
});

describe('parsePythonJson constants', () => {
  it('accepts NaN, Infinity and -Infinity like json.loads', () => {
    expect(parsePythonJson('[NaN, Infinity, -Infinity]')).toEqual([NaN, Infinity, -Infinity]);
  });

  it("refuses them as DRF's STRICT_JSON does", () => {
    // curl ... --data-binary '{"username":Infinity}' -> "Out of range float values are not JSON compliant: 'Infinity'"
    // printf '{"a":NaN}' | curl ...                      -> "... compliant: 'NaN'"
    const strict = { allowConstants: false };
    expect(() => parsePythonJson('{"a":NaN}', strict)).toThrow("Out of range float values are not JSON compliant: 'NaN'");
    expect(() => parsePythonJson('[-Infinity]', strict)).toThrow("Out of range float values are not JSON compliant: '-Infinity'");
    // The scan is sequential: an earlier syntax error wins, a later one loses.
    expect(() => parsePythonJson('[1 NaN]', strict)).toThrow("Expecting ',' delimiter: line 1 column 4 (char 3)");
    expect(() => parsePythonJson('[NaN 1]', strict)).toThrow("'NaN'");
  });
});

describe('parsePythonJson numbers', () => {
  it('keeps int and float apart in python mode', () => {
    const value = parsePythonJson('[1, 1.0, -0, 1e5, 12345678901234567890123]', { numbers: 'python' });
    expect(value).toEqual([new PyInt(1n), new PyFloat(1), new PyInt(0n), new PyFloat(100000), new PyInt(12345678901234567890123n)]);
  });

  it("prints them as Python's str() does", () => {
    // /usr/bin/python3 -c 'import json; print([str(x) for x in json.loads("[...]")])'
    const printed = (
      parsePythonJson('[123, -0, 1.0, 1.5, 1e20, 1e16, 1e15, 1e-5, 0.0001, -0.0, 12.30, 1E400, -1e400, 5e-324]', {
        numbers: 'python',
      }) as (PyInt | PyFloat)[]
    ).map(String);
    expect(printed).toEqual([
      '123',
      '0',
      '1.0',
      '1.5',
      '1e+20',
      '1e+16',
      '1000000000000000.0',
      '1e-05',
      '0.0001',
      '-0.0',
      '12.3',
      'inf',
      '-inf',
      '5e-324',
    ]);
  });

  it('gives plain numbers by default, as JSON.parse', () => {
    expect(parsePythonJson('[1, 1.0, -0, 1e400]')).toEqual([1, 1, -0, Infinity]);
  });

  it('pythonFloatRepr switches to exponent notation where CPython does', () => {
    expect([1e16, 9999999999999998, 0.00001, 0.0001, 123456789.125, 1.7976931348623157e308, NaN].map(pythonFloatRepr)).toEqual([
      '1e+16',
      '9999999999999998.0',
      '1e-05',
      '0.0001',
      '123456789.125',
      '1.7976931348623157e+308',
      'nan',
    ]);
  });
});

describe('parsePythonJson objects', () => {
  it('keeps the last of repeated keys and says so', () => {
    expect(parsePythonJsonDetailed('{"a": 1, "b": 2, "a": 3}')).toEqual({ value: { a: 3, b: 2 }, hasDuplicateKeys: true });
    expect(parsePythonJsonDetailed('{"a": {"b": 1}, "b": {"a": 1}}').hasDuplicateKeys).toBe(false);
    expect(parsePythonJsonDetailed('[{"x": 1, "x": 1}]').hasDuplicateKeys).toBe(true);
  });

  it('stores "__proto__" as an ordinary key', () => {
    const value = parsePythonJson('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('decodes escapes, joining surrogate pairs only as CPython does', () => {
    expect(parsePythonJson('"\\ud83d\\ude00 \\u00e9\\/\\b\\f\\n\\r\\t\\"\\\\"')).toBe('😀 é/\b\f\n\r\t"\\');
    expect(parsePythonJson('"\\ud800\\u0041"')).toBe('\ud800A');
    expect(parsePythonJson('"\\udc00\\ud800"')).toBe('\udc00\ud800');
  });
});

describe('parsePythonJson nesting depth', () => {
  // for n in 949 950; do python3 -c "print('['*$n + ']'*$n, end='')" | curl ... ; done
  //   949 -> 400 {"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}
  //   950 -> 500 (RecursionError inside DRF); on /accounts/register/ the limit is one less.
  it('accepts what the reference accepts on the token views', () => {
    const depth = REFERENCE_MAX_JSON_DEPTH;
    expect(REFERENCE_MAX_JSON_DEPTH).toBe(949);
    expect(() => parsePythonJson('['.repeat(depth) + ']'.repeat(depth))).not.toThrow();
    expect(() => parsePythonJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))).not.toThrow();
  });

  it("fails one level deeper with Python's RecursionError text instead of a 500", () => {
    const depth = REFERENCE_MAX_JSON_DEPTH + 1;
    expect(failure('['.repeat(depth) + ']'.repeat(depth))).toBe(
      'maximum recursion depth exceeded while decoding a JSON array from a unicode string',
    );
    expect(failure('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))).toBe(
      'maximum recursion depth exceeded while decoding a JSON object from a unicode string',
    );
    expect(failure('['.repeat(100_000))).toBe('maximum recursion depth exceeded while decoding a JSON array from a unicode string');
    // An earlier syntax error is reported first, as Python scans in order.
    expect(failure('[x' + '['.repeat(100_000))).toBe('Expecting value: line 1 column 2 (char 1)');
  });

  it('takes a different limit', () => {
    expect(failure('[[[]]]')).toBeNull();
    expect(() => parsePythonJson('[[[]]]', { maxDepth: 2 })).toThrow(PythonJsonError);
    expect(() => parsePythonJson('[[]]', { maxDepth: 2 })).not.toThrow();
  });
});

describe('parsePythonJson on valid JSON', () => {
  it('agrees with JSON.parse on everything JSON.stringify produces', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value, null, value === null ? undefined : 1);
        expect(parsePythonJson(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with JSON.parse on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const text = JSON.stringify(s);
        expect(parsePythonJson(text)).toBe(s);
      }),
      { numRuns: 300 },
    );
  });
});
