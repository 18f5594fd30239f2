/**
 * Python's `bytes` text helpers, on latin-1 strings that stand for bytes: `strip()`, ASCII
 * lower-casing, `count()`, and the header-parameter splitting Django's `parse_header` does.
 */

/** `bytes.strip()`: ASCII whitespace only. */
export function stripAsciiWhitespace(text: string): string {
  return text.replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, '');
}

/** `bytes.lower()`: ASCII letters only. */
export function lowerAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/**
 * `_parse_header_params` of Django's multipart parser: split on `;` outside double quotes
 * (quotes are counted, not parsed; there is no escaping).
 */
export function splitHeaderParams(line: string): string[] {
  const parts: string[] = [];
  let s = `;${line}`;
  while (s.startsWith(';')) {
    s = s.slice(1);
    let end = s.indexOf(';');
    while (end > 0 && countOf(s.slice(0, end), '"') % 2 === 1) end = s.indexOf(';', end + 1);
    if (end < 0) end = s.length;
    parts.push(stripAsciiWhitespace(s.slice(0, end)));
    s = s.slice(end);
  }
  return parts;
}

export function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

export function isAsciiText(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
  return /^[\x00-\x7f]*$/.test(text);
}
