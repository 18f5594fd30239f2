/**
 * Python's codecs as DRF's parsers use them: the request charset's codec (UTF-8, UTF-8-SIG, ASCII,
 * Latin-1), strict decoding with CPython's exact UnicodeDecodeError text, and replacing decoding.
 */

import { isUtf8 } from 'node:buffer';
import { isAsciiText } from './ascii-text.js';

/** The codecs Tessera decodes exactly as CPython does. */
export type Codec = 'utf-8' | 'utf-8-sig' | 'ascii' | 'latin-1';

/** `encodings.aliases` entries (and module names) of the supported codecs. */
const CODEC_NAMES: Readonly<Record<string, Codec>> = {
  utf_8: 'utf-8',
  u8: 'utf-8',
  utf: 'utf-8',
  utf8: 'utf-8',
  utf8_ucs2: 'utf-8',
  utf8_ucs4: 'utf-8',
  cp65001: 'utf-8',
  utf_8_sig: 'utf-8-sig',
  ascii: 'ascii',
  '646': 'ascii',
  'ansi_x3.4_1968': 'ascii',
  'ansi_x3.4_1986': 'ascii',
  ansi_x3_4_1968: 'ascii',
  cp367: 'ascii',
  csascii: 'ascii',
  ibm367: 'ascii',
  iso646_us: 'ascii',
  'iso_646.irv_1991': 'ascii',
  iso_ir_6: 'ascii',
  us: 'ascii',
  us_ascii: 'ascii',
  latin_1: 'latin-1',
  '8859': 'latin-1',
  cp819: 'latin-1',
  csisolatin1: 'latin-1',
  ibm819: 'latin-1',
  iso8859: 'latin-1',
  iso8859_1: 'latin-1',
  iso_8859_1: 'latin-1',
  iso_8859_1_1987: 'latin-1',
  iso_ir_100: 'latin-1',
  l1: 'latin-1',
  latin: 'latin-1',
  latin1: 'latin-1',
};

/** `codecs.lookup(name)` restricted to the supported codecs (`null`: unknown or unsupported). */
export function lookupCodec(name: string): Codec | null {
  // encodings.normalize_encoding: runs of other characters become one '_', non-ASCII
  // alphanumerics vanish.
  let normalized = '';
  let punct = false;
  for (const ch of name.toLowerCase()) {
    if (/[\p{L}\p{N}.]/u.test(ch)) {
      if (punct && normalized !== '') normalized += '_';
      if (isAsciiText(ch)) normalized += ch;
      punct = false;
    } else {
      punct = true;
    }
  }
  return CODEC_NAMES[normalized] ?? CODEC_NAMES[normalized.replace(/\./g, '_')] ?? null;
}

/**
 * The first problem CPython's UTF-8 decoder reports, or where a valid but incomplete sequence
 * starts at the very end (which an incremental decoder keeps waiting for).
 */
function findUtf8Problem(
  bytes: Uint8Array,
): { kind: 'error'; start: number; end: number; reason: string } | { kind: 'incomplete'; at: number } | null {
  const n = bytes.length;
  const cont = (i: number): boolean => ((bytes[i] ?? 0) & 0xc0) === 0x80;
  const invalid = (start: number, length: number, reason = 'invalid continuation byte') =>
    ({ kind: 'error', start, end: start + length, reason }) as const;
  let i = 0;
  while (i < n) {
    const c = bytes[i] ?? 0;
    if (c < 0x80) {
      i++;
    } else if (c < 0xc2 || c > 0xf4) {
      return invalid(i, 1, 'invalid start byte');
    } else if (c < 0xe0) {
      if (n - i < 2) return { kind: 'incomplete', at: i };
      if (!cont(i + 1)) return invalid(i, 1);
      i += 2;
    } else if (c < 0xf0) {
      const c2 = bytes[i + 1] ?? 0;
      // A truncated ED A0..BF (a surrogate's start) still counts as incomplete, as in CPython.
      const complete = n - i >= 3;
      const badSecond = i + 1 < n && (!cont(i + 1) || (c === 0xe0 && c2 < 0xa0) || (complete && c === 0xed && c2 >= 0xa0));
      if (badSecond) return invalid(i, 1);
      if (!complete) return { kind: 'incomplete', at: i };
      if (!cont(i + 2)) return invalid(i, 2);
      i += 3;
    } else {
      const c2 = bytes[i + 1] ?? 0;
      const badSecond = i + 1 < n && (!cont(i + 1) || (c === 0xf0 && c2 < 0x90) || (c === 0xf4 && c2 >= 0x90));
      if (badSecond) return invalid(i, 1);
      if (i + 2 < n && !cont(i + 2)) return invalid(i, 2);
      if (n - i < 4) return { kind: 'incomplete', at: i };
      if (!cont(i + 3)) return invalid(i, 3);
      i += 4;
    }
  }
  return null;
}

/** `str(UnicodeDecodeError)`. */
function decodeErrorMessage(codec: string, bytes: Uint8Array, start: number, end: number, reason: string): string {
  if (end === start + 1) {
    const hex = (bytes[start] ?? 0).toString(16).padStart(2, '0');
    return `'${codec}' codec can't decode byte 0x${hex} in position ${start}: ${reason}`;
  }
  return `'${codec}' codec can't decode bytes in position ${start}-${end - 1}: ${reason}`;
}

/**
 * `codecs.getreader(codec)(stream).read()`, DRF's way of decoding a JSON body. It is an
 * incremental decoder: an incomplete UTF-8 sequence at the very end is silently dropped.
 * @throws {string} the Python error message.
 */
export function decodeStream(raw: Buffer, codec: Codec): string {
  switch (codec) {
    case 'latin-1':
      return raw.toString('latin1');
    case 'ascii': {
      const bad = raw.findIndex((b) => b >= 0x80);
      if (bad < 0) return raw.toString('latin1');
      throw new BodyDecodeError(decodeErrorMessage('ascii', raw, bad, bad + 1, 'ordinal not in range(128)'));
    }
    case 'utf-8-sig': {
      if (raw.length < 3 && UTF8_BOM.subarray(0, raw.length).equals(raw)) return '';
      return decodeUtf8Stream(raw.subarray(0, 3).equals(UTF8_BOM) ? raw.subarray(3) : raw);
    }
    case 'utf-8':
      return decodeUtf8Stream(raw);
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A body CPython's codec refuses; `message` is `str(UnicodeDecodeError)`. */
export class BodyDecodeError extends Error {}

function decodeUtf8Stream(raw: Buffer): string {
  if (isUtf8(raw)) return raw.toString('utf8');
  const problem = findUtf8Problem(raw);
  if (problem === null) return raw.toString('utf8');
  if (problem.kind === 'incomplete') return raw.subarray(0, problem.at).toString('utf8');
  throw new BodyDecodeError(decodeErrorMessage('utf-8', raw, problem.start, problem.end, problem.reason));
}

/** `bytes.decode(codec)` (strict, final), or `null` where Python raises. */
export function decodeStrict(bytes: Buffer, codec: Codec): string | null {
  switch (codec) {
    case 'latin-1':
      return bytes.toString('latin1');
    case 'ascii':
      return bytes.every((b) => b < 0x80) ? bytes.toString('latin1') : null;
    case 'utf-8-sig':
      return decodeStrict(bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes, 'utf-8');
    case 'utf-8':
      return isUtf8(bytes) ? bytes.toString('utf8') : null;
  }
}

const UTF8_REPLACING = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** `bytes.decode(codec, 'replace')`: one U+FFFD per maximal invalid subpart, as WHATWG's decoder. */
export function decodeReplacing(bytes: Uint8Array, codec: Codec): string {
  switch (codec) {
    case 'latin-1':
      return Buffer.from(bytes).toString('latin1');
    case 'ascii':
      return Array.from(bytes, (b) => (b < 0x80 ? String.fromCharCode(b) : '\ufffd')).join('');
    case 'utf-8-sig': {
      const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      return UTF8_REPLACING.decode(hasBom ? bytes.subarray(3) : bytes);
    }
    case 'utf-8':
      return UTF8_REPLACING.decode(bytes);
  }
}

export function latin1Bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}
