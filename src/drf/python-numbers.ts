/**
 * Python's `int` and `float` as `json.loads` gives them, kept apart (a `CharField` prints `1` and
 * `1.0` differently), and `repr()` of a float.
 */

/** A JSON number CPython decodes as `int` (arbitrary precision, kept exactly). */
export class PyInt {
  constructor(readonly value: bigint) {}
  /** What Python's `str()` prints. */
  toString(): string {
    return this.value.toString();
  }
}

/** A JSON number CPython decodes as `float` (it had a fraction or an exponent, or was NaN/Infinity). */
export class PyFloat {
  constructor(readonly value: number) {}
  /** What Python's `str()`/`repr()` prints, e.g. `1.0`, `1e+20`, `inf`. */
  toString(): string {
    return pythonFloatRepr(this.value);
  }
}

/**
 * Python's `repr(float)` (also its `str()`): the shortest digits that round-trip, in fixed
 * notation when the decimal exponent is in [-4, 16), otherwise `d.ddde±XX`.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  // toExponential() without an argument yields the shortest round-trip digits, the same
  // digits CPython's dtoa mode 0 picks.
  const [mantissa = '0', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const decpt = Number(exponentText) + 1;
  if (decpt <= -4 || decpt > 16) {
    const exponent = decpt - 1;
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0] ?? '0'}${fraction}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}
