/**
 * Python's `str` semantics where they differ from JavaScript's: `strip()` strips Python's
 * whitespace set (U+001C..U+001F and U+0085 are whitespace, U+FEFF is not), lengths count code
 * points, and lone surrogates are findable.
 */

/**
 * Python's `str.strip()`: removes the characters for which `str.isspace()` is true, which is
 * not JavaScript's `trim()` set.
 */
export function pythonStrip(text: string): string {
  return text.replace(PYTHON_STRIP, '');
}

const PYTHON_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PYTHON_STRIP = new RegExp(`^[${PYTHON_WHITESPACE}]+|[${PYTHON_WHITESPACE}]+$`, 'g');
export const PYTHON_BLANK = new RegExp(`^[${PYTHON_WHITESPACE}]*$`);

export function codePointCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Python sees a lone surrogate as a code point of its own; a valid pair is one astral code point. */
export function firstLoneSurrogate(text: string): number | null {
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff) return cp;
  }
  return null;
}
