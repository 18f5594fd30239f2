/**
 * Header parameters as Django (`parse_header`, RFC 2231 values) and CPython's `cgi` read them:
 * the boundary, the charset (and so the request codec), a part's `filename`.
 */

import { isUtf8 } from 'node:buffer';
import { pythonStrip } from '../fields.js';
import { countOf, isAsciiText, lowerAscii, splitHeaderParams, stripAsciiWhitespace } from './ascii-text.js';
import { lookupCodec, type Codec } from './codecs.js';
import { percentDecode } from './urlencoded.js';

/**
 * A parameter value from Django's byte-level `parse_header`: raw bytes (held as a Latin-1
 * string), or text already decoded from an RFC 2231 `name*=charset'lang'value` form.
 */
export type HeaderParam = { readonly bytes: string } | { readonly text: string };

/**
 * Django's `multipartparser.parse_header` on bytes held as a Latin-1 string; `null` where it
 * raises ValueError (a non-ASCII main value or parameter name, a bad RFC 2231 value).
 */
export function parseHeaderBytes(line: string): { key: string; params: Map<string, HeaderParam> } | null {
  const [first = '', ...rest] = splitHeaderParams(line);
  const key = lowerAscii(first);
  if (!isAsciiText(key)) return null;
  const params = new Map<string, HeaderParam>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    let name = lowerAscii(stripAsciiWhitespace(p.slice(0, eq)));
    if (!isAsciiText(name)) return null;
    let rfc2231 = false;
    if (name.endsWith('*')) {
      name = name.slice(0, -1);
      rfc2231 = countOf(p, "'") === 2;
    }
    let value = stripAsciiWhitespace(p.slice(eq + 1));
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).split('\\\\').join('\\').split('\\"').join('"');
    }
    if (!rfc2231) {
      params.set(name, { bytes: value });
      continue;
    }
    const pieces = value.split("'");
    if (pieces.length !== 3) return null;
    const [charset = '', , encoded = ''] = pieces;
    const utf8 = Buffer.from(encoded, 'latin1');
    if (!isUtf8(utf8)) return null;
    params.set(name, { text: percentDecode(utf8.toString('utf8'), lookupCodec(charset) ?? 'utf-8') });
  }
  return { key, params };
}

/**
 * Django's `request.encoding`: the `charset` parameter (as `cgi.parse_header` reads it) when
 * `codecs.lookup` accepts it, else `DEFAULT_CHARSET` (UTF-8).
 */
export function requestCodec(contentType: string): Codec {
  const charset = cgiHeaderParams(contentType).get('charset');
  return charset === undefined ? 'utf-8' : (lookupCodec(charset) ?? 'utf-8');
}

/** The parameters of Python's `cgi.parse_header` (str-based: Unicode strip and lower). */
function cgiHeaderParams(line: string): Map<string, string> {
  const params = new Map<string, string>();
  let s = `;${line}`;
  let first = true;
  while (s.startsWith(';')) {
    s = s.slice(1);
    let end = s.indexOf(';');
    while (end > 0 && (countOf(s.slice(0, end), '"') - countOf(s.slice(0, end), '\\"')) % 2 !== 0) {
      end = s.indexOf(';', end + 1);
    }
    if (end < 0) end = s.length;
    const part = pythonStrip(s.slice(0, end));
    s = s.slice(end);
    if (first) {
      first = false;
      continue;
    }
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    let value = pythonStrip(part.slice(eq + 1));
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).split('\\\\').join('\\').split('\\"').join('"');
    }
    params.set(pythonStrip(part.slice(0, eq)).toLowerCase(), value);
  }
  return params;
}
