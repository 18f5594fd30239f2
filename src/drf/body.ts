/**
 * Request-body parsing with DRF 3.14's default parsers (JSON, form-urlencoded, multipart) on
 * Django 3.2, including their failure answers.
 *
 * The reference decides everything from the raw `Content-Type` header and the body bytes:
 * - no body (Content-Length absent or 0) -> empty data, whatever the media type;
 * - the first parser whose media type matches (`application/json`, then
 *   `application/x-www-form-urlencoded`, then `multipart/form-data`; `*` wildcards on either
 *   side; parameters ignored) -> otherwise 415 with the header quoted as sent;
 * - the body is decoded with the `charset` parameter when Python knows the codec, else UTF-8.
 *
 * Multipart is a port of Django's own parser rather than a general-purpose one (busboy): Django
 * is lenient in specific ways (a missing final boundary is fine, a header block must end with
 * CRLFCRLF within 1024 bytes or the part is ignored, `filename=""` makes a text field, a file
 * part only counts once another part follows it, ...) and a stricter parser would answer
 * differently for exactly the malformed bodies whose answers Tessera must reproduce.
 *
 * Known deviations (the reference answers 500 or an HTML page there, or it is out of scope):
 * - charsets other than UTF-8, UTF-8-SIG, ASCII and Latin-1 are decoded as UTF-8;
 * - too many form fields/files, or form fields over 2.5 MB: the reference sends Django's HTML
 *   "Bad Request (400)" page; Tessera sends a 400 `parse_error` with a JSON detail;
 * - a non-ASCII media type or parameter name (500 in the reference) is simply not matched;
 * - base64 file parts are decoded as one chunk (Django decodes per 64 KiB read, which only
 *   matters for padding in the middle of parts larger than that);
 * - `html.unescape` of file names only resolves the named entities that can decide whether
 *   Django keeps the file (those producing `/`, `\`, `.`, or whitespace) and numeric ones.
 */

import { isUtf8 } from 'node:buffer';
import { TesseraError } from '../errors.js';
import { markHtmlFormInput, pythonStrip } from './fields.js';
import { PythonJsonError, REFERENCE_MAX_JSON_DEPTH, parsePythonJson } from './python-json.js';

/** Django's `DATA_UPLOAD_MAX_NUMBER_FIELDS`. */
export const MAX_FORM_FIELDS = 1000;
/** Django's `DATA_UPLOAD_MAX_NUMBER_FILES`. */
export const MAX_FORM_FILES = 100;
/** Django's `DATA_UPLOAD_MAX_MEMORY_SIZE`, applied to multipart text fields. */
export const MAX_FORM_FIELD_BYTES = 2_621_440;

/** A multipart part Django stores as an uploaded file (it has a usable `filename`). */
export class UploadedFile {
  constructor(
    readonly fieldName: string,
    /** After Django's sanitising (HTML-unescaped, directory parts removed). */
    readonly fileName: string,
    readonly contentType: string,
    readonly content: Buffer,
  ) {}

  /** Python's `str(uploaded_file)` is its name, which is what DRF's blank check looks at. */
  toString(): string {
    return this.fileName;
  }
}

/** A form body: for each name, the last value sent (what a DRF `CharField` reads). */
export type FormBody = Record<string, string | UploadedFile>;

/** Options of {@link parseRequestBody}. */
export interface RequestBodyOptions {
  /**
   * The request's Content-Length, or `null` when it had none (chunked transfer encoding).
   * Django reads no body then, so DRF sees empty data. Default: `raw.length`.
   */
  contentLength?: number | null;
  /** Deepest JSON nesting accepted; default {@link REFERENCE_MAX_JSON_DEPTH}. */
  maxJsonDepth?: number;
}

/**
 * Parse a request body as DRF's `request.data` would be.
 *
 * JSON numbers come back as `PyInt`/`PyFloat` (see python-json.ts) so that field validation can
 * print them as Python does; form bodies come back as a {@link FormBody} marked as HTML form
 * input (see fields.ts).
 *
 * @param contentType the raw `Content-Type` header, `undefined` when absent.
 * @throws {TesseraError} `parse_error` (400, `{"detail": "JSON parse error - ..."}` or
 *   `"Multipart form parse error - ..."`) or `unsupported_media_type` (415).
 */
export function parseRequestBody(contentType: string | undefined, raw: Buffer, options: RequestBodyOptions = {}): unknown {
  const mediaType = contentType ?? '';
  const contentLength = options.contentLength === undefined ? raw.length : options.contentLength;
  if (contentLength === null || contentLength <= 0 || raw.length === 0) {
    const base = drfMediaType(mediaType)?.fullType;
    return base === FORM_URLENCODED || base === MULTIPART ? markHtmlFormInput({}) : {};
  }
  // Nearly every API body says exactly this: DRF's JSONParser, UTF-8, without parsing the
  // header's parameters twice (Django's and cgi's rules give this for it).
  if (mediaType === JSON_MEDIA_TYPE) return parseJson(raw, 'utf-8', options.maxJsonDepth ?? REFERENCE_MAX_JSON_DEPTH);
  const codec = requestCodec(mediaType);
  switch (selectParser(mediaType)) {
    case 'json':
      return parseJson(raw, codec, options.maxJsonDepth ?? REFERENCE_MAX_JSON_DEPTH);
    case 'form':
      return parseUrlEncoded(raw, codec);
    case 'multipart':
      return parseMultipart(mediaType, raw, codec);
    case null:
      throw TesseraError.of('unsupported_media_type', `Unsupported media type "${mediaType}" in request.`);
  }
}

const JSON_MEDIA_TYPE = 'application/json';
const FORM_URLENCODED = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data';

// ---------------------------------------------------------------------------------------------
// Media types and charsets

/** `bytes.strip()`: ASCII whitespace only. */
function stripAsciiWhitespace(text: string): string {
  return text.replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, '');
}

/** `bytes.lower()`: ASCII letters only. */
function lowerAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/**
 * `_parse_header_params` of Django's multipart parser: split on `;` outside double quotes
 * (quotes are counted, not parsed; there is no escaping).
 */
function splitHeaderParams(line: string): string[] {
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

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/**
 * A parameter value from Django's byte-level `parse_header`: raw bytes (held as a Latin-1
 * string), or text already decoded from an RFC 2231 `name*=charset'lang'value` form.
 */
type HeaderParam = { readonly bytes: string } | { readonly text: string };

/**
 * Django's `multipartparser.parse_header` on bytes held as a Latin-1 string; `null` where it
 * raises ValueError (a non-ASCII main value or parameter name, a bad RFC 2231 value).
 */
function parseHeaderBytes(line: string): { key: string; params: Map<string, HeaderParam> } | null {
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

function isAsciiText(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

/**
 * DRF's `_MediaType` of the request's Content-Type (via `parse_header_parameters`, which
 * UTF-8-encodes the header first). `null` where Django raises (non-ASCII main value).
 */
function drfMediaType(contentType: string): { fullType: string; main: string; sub: string } | null {
  const parsed = parseHeaderBytes(Buffer.from(contentType, 'utf8').toString('latin1'));
  if (parsed === null) return null;
  const slash = parsed.key.indexOf('/');
  const main = slash < 0 ? parsed.key : parsed.key.slice(0, slash);
  const sub = slash < 0 ? '' : parsed.key.slice(slash + 1);
  return { fullType: parsed.key, main, sub };
}

/** DRF's `DefaultContentNegotiation.select_parser` over the default parser classes. */
function selectParser(contentType: string): 'json' | 'form' | 'multipart' | null {
  const request = drfMediaType(contentType);
  if (request === null) return null;
  const matches = (main: string, sub: string): boolean =>
    (request.sub === '*' || request.sub === sub) && (request.main === '*' || request.main === main);
  if (matches('application', 'json')) return 'json';
  if (matches('application', 'x-www-form-urlencoded')) return 'form';
  if (matches('multipart', 'form-data')) return 'multipart';
  return null;
}

/** The codecs Tessera decodes exactly as CPython does. */
type Codec = 'utf-8' | 'utf-8-sig' | 'ascii' | 'latin-1';

/** `encodings.aliases` entries (and module names) of the supported codecs. */
const CODEC_NAMES: Readonly<Record<string, Codec>> = {
  utf_8: 'utf-8', u8: 'utf-8', utf: 'utf-8', utf8: 'utf-8', utf8_ucs2: 'utf-8', utf8_ucs4: 'utf-8', cp65001: 'utf-8',
  utf_8_sig: 'utf-8-sig',
  ascii: 'ascii', '646': 'ascii', 'ansi_x3.4_1968': 'ascii', 'ansi_x3.4_1986': 'ascii', ansi_x3_4_1968: 'ascii',
  cp367: 'ascii', csascii: 'ascii', ibm367: 'ascii', iso646_us: 'ascii', 'iso_646.irv_1991': 'ascii', iso_ir_6: 'ascii',
  us: 'ascii', us_ascii: 'ascii',
  latin_1: 'latin-1', '8859': 'latin-1', cp819: 'latin-1', csisolatin1: 'latin-1', ibm819: 'latin-1', iso8859: 'latin-1',
  iso8859_1: 'latin-1', iso_8859_1: 'latin-1', iso_8859_1_1987: 'latin-1', iso_ir_100: 'latin-1', l1: 'latin-1',
  latin: 'latin-1', latin1: 'latin-1',
};

/** `codecs.lookup(name)` restricted to the supported codecs (`null`: unknown or unsupported). */
function lookupCodec(name: string): Codec | null {
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
 * Django's `request.encoding`: the `charset` parameter (as `cgi.parse_header` reads it) when
 * `codecs.lookup` accepts it, else `DEFAULT_CHARSET` (UTF-8).
 */
function requestCodec(contentType: string): Codec {
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

// ---------------------------------------------------------------------------------------------
// Decoding bytes as CPython does

/**
 * The first problem CPython's UTF-8 decoder reports, or where a valid but incomplete sequence
 * starts at the very end (which an incremental decoder keeps waiting for).
 */
function findUtf8Problem(bytes: Uint8Array):
  | { kind: 'error'; start: number; end: number; reason: string }
  | { kind: 'incomplete'; at: number }
  | null {
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
function decodeStream(raw: Buffer, codec: Codec): string {
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
class BodyDecodeError extends Error {}

function decodeUtf8Stream(raw: Buffer): string {
  if (isUtf8(raw)) return raw.toString('utf8');
  const problem = findUtf8Problem(raw);
  if (problem === null) return raw.toString('utf8');
  if (problem.kind === 'incomplete') return raw.subarray(0, problem.at).toString('utf8');
  throw new BodyDecodeError(decodeErrorMessage('utf-8', raw, problem.start, problem.end, problem.reason));
}

/** `bytes.decode(codec)` (strict, final), or `null` where Python raises. */
function decodeStrict(bytes: Buffer, codec: Codec): string | null {
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
function decodeReplacing(bytes: Uint8Array, codec: Codec): string {
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

const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/**
 * `urllib.parse.unquote(text, encoding=codec, errors='replace')`: `%XX` runs inside ASCII
 * stretches become bytes decoded with the codec; non-ASCII characters pass through.
 */
function percentDecode(text: string, codec: Codec): string {
  if (!text.includes('%')) return text;
  return text.replace(/[\x00-\x7f]+/g, (ascii) => {
    if (!ascii.includes('%')) return ascii;
    const bytes: number[] = [];
    const [head = '', ...items] = ascii.split('%');
    for (const ch of head) bytes.push(ch.charCodeAt(0));
    for (const item of items) {
      const pair = item.slice(0, 2);
      const rest = HEX_PAIR.test(pair) ? item.slice(2) : `%${item}`;
      if (HEX_PAIR.test(pair)) bytes.push(parseInt(pair, 16));
      for (const ch of rest) bytes.push(ch.charCodeAt(0));
    }
    return decodeReplacing(Uint8Array.from(bytes), codec);
  });
}

/** Assign without letting a `__proto__` key reach the prototype. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------------
// The three parsers

/** DRF's `JSONParser` (STRICT_JSON on: NaN and Infinity are refused). */
function parseJson(raw: Buffer, codec: Codec, maxDepth: number): unknown {
  try {
    const text = decodeStream(raw, codec);
    return flatStringObject(text) ?? parsePythonJson(text, { numbers: 'python', allowConstants: false, maxDepth });
  } catch (error) {
    if (error instanceof PythonJsonError || error instanceof BodyDecodeError) {
      throw TesseraError.of('parse_error', `JSON parse error - ${error.message}`);
    }
    throw error;
  }
}

/**
 * The common body (`{"token": "..."}`), fast: when `JSON.parse` reads an object whose values are
 * all strings, Python's `json.loads` reads exactly the same (no numbers whose int/float kind
 * matters, no nesting to bound, duplicates resolved alike: first position, last value). Anything
 * else, valid or not, goes to the Python-exact parser, which also words the errors.
 */
function flatStringObject(text: string): Record<string, unknown> | undefined {
  if (text.charCodeAt(0) !== 0x7b /* { */) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') return undefined;
  return value as Record<string, unknown>;
}

function tooManyFields(): TesseraError {
  return TesseraError.of('parse_error', `Too many form fields (the limit is ${MAX_FORM_FIELDS}).`);
}

/** DRF's `FormParser`: Django's `QueryDict(body, encoding=charset)`. */
function parseUrlEncoded(raw: Buffer, codec: Codec): FormBody {
  // "query_string normally contains URL-encoded data, a subset of ASCII", so Django falls back
  // to Latin-1 for bytes the charset refuses.
  const text = decodeStrict(raw, codec) ?? raw.toString('latin1');
  if (text !== '' && countOf(text, '&') + 1 > MAX_FORM_FIELDS) throw tooManyFields();
  const values: FormBody = {};
  for (const field of text.split('&')) {
    if (field === '') continue;
    const eq = field.indexOf('=');
    const name = eq < 0 ? field : field.slice(0, eq);
    const value = eq < 0 ? '' : field.slice(eq + 1);
    setOwn<string | UploadedFile>(values, percentDecode(name.replace(/\+/g, ' '), codec), percentDecode(value.replace(/\+/g, ' '), codec));
  }
  return markHtmlFormInput(values);
}

function multipartError(message: string): TesseraError {
  return TesseraError.of('parse_error', `Multipart form parse error - ${message}`);
}

/** `cgi.valid_boundary` on bytes (`$` also matches before a final newline). */
function isValidBoundary(boundary: string): boolean {
  return /^[ -~]{0,200}[!-~]\n?$/.test(boundary);
}

/** DRF's `MultiPartParser`: Django's `MultiPartParser` with the default upload handlers. */
function parseMultipart(contentType: string, raw: Buffer, codec: Codec): FormBody {
  if (!contentType.startsWith('multipart/')) throw multipartError(`Invalid Content-Type: ${contentType}`);
  if (!isAsciiText(contentType)) throw multipartError(`Invalid non-ASCII Content-Type in multipart: ${contentType}`);
  const boundaryParam = parseHeaderBytes(contentType)?.params.get('boundary');
  const boundary = boundaryParam === undefined ? undefined : 'bytes' in boundaryParam ? boundaryParam.bytes : boundaryParam.text;
  if (boundary === undefined || boundary === '' || !isValidBoundary(boundary)) {
    throw multipartError(`Invalid boundary in multipart: ${boundary ?? 'None'}`);
  }

  const posted = new Map<string, string>();
  const files = new Map<string, UploadedFile>();
  let postKeys = 0;
  let fileCount = 0;
  let fieldBytes = 0;
  let pendingFile: UploadedFile | null = null;
  for (const part of splitOnBoundary(raw, Buffer.from(`--${boundary}`, 'latin1'))) {
    // Django only files an upload once the next part begins.
    if (pendingFile !== null) files.set(pendingFile.fieldName, pendingFile);
    pendingFile = null;
    const item = parsePartHeaders(part);
    if (item.type !== 'file' && ++postKeys > MAX_FORM_FIELDS + 2) throw tooManyFields();
    const disposition = item.headers.get('content-disposition');
    const nameParam = disposition?.params.get('name');
    if (disposition === undefined || nameParam === undefined) continue;
    const fieldName = 'bytes' in nameParam ? decodeReplacing(latin1Bytes(stripAsciiWhitespace(nameParam.bytes)), codec) : pythonStrip(nameParam.text);
    const base64 = item.headers.get('content-transfer-encoding')?.value.trim() === 'base64';

    if (item.type === 'field') {
      const read = item.body.subarray(0, MAX_FORM_FIELD_BYTES - fieldBytes);
      fieldBytes += read.length + [...fieldName].length + 2;
      if (fieldBytes > MAX_FORM_FIELD_BYTES) {
        throw TesseraError.of('parse_error', `Form fields exceed ${MAX_FORM_FIELD_BYTES} bytes.`);
      }
      const data = base64 ? (pythonB64Decode(read) ?? read) : read;
      posted.set(fieldName, decodeReplacing(data, codec));
      continue;
    }
    if (item.type !== 'file') continue;
    if (++fileCount > MAX_FORM_FILES) throw TesseraError.of('parse_error', `Too many files (the limit is ${MAX_FORM_FILES}).`);
    const fileName = uploadFileName(disposition.params.get('filename'), codec);
    if (fileName === null) continue;
    const contentTypeHeader = item.headers.get('content-type');
    pendingFile = new UploadedFile(fieldName, fileName, contentTypeHeader?.value.trim() ?? '', base64 ? decodeBase64File(item.body) : item.body);
  }

  const values: FormBody = {};
  for (const [name, value] of posted) setOwn<string | UploadedFile>(values, name, value);
  // request.data is the POST QueryDict extended with FILES: a file is the last value of its name.
  for (const [name, file] of files) setOwn<string | UploadedFile>(values, name, file);
  return markHtmlFormInput(values);
}

function latin1Bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/**
 * The parts between boundaries, as Django's `BoundaryIter` yields them: each ends before the
 * next `--boundary` (minus one preceding LF and then one CR); what precedes the first
 * boundary is a part too, and so is whatever follows the last one, if anything does.
 */
function splitOnBoundary(body: Buffer, separator: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos < body.length) {
    const found = body.indexOf(separator, pos);
    if (found < 0) {
      parts.push(body.subarray(pos));
      break;
    }
    let end = found;
    if (end > pos && body[end - 1] === 0x0a) end--;
    if (end > pos && body[end - 1] === 0x0d) end--;
    parts.push(body.subarray(pos, end));
    pos = found + separator.length;
  }
  return parts;
}

interface PartHeader {
  readonly value: string;
  readonly params: Map<string, HeaderParam>;
}

/**
 * Django's `parse_boundary_stream`: the header block must end (CRLFCRLF) within the first
 * 1024 bytes; a part with a Content-Disposition is a field, or a file if its `filename` is
 * non-empty; anything else is "raw" and ignored.
 */
function parsePartHeaders(part: Buffer): { type: 'raw' | 'field' | 'file'; headers: Map<string, PartHeader>; body: Buffer } {
  const headerEnd = part.subarray(0, 1024).indexOf('\r\n\r\n');
  const headers = new Map<string, PartHeader>();
  if (headerEnd < 0) return { type: 'raw', headers, body: part };
  let type: 'raw' | 'field' | 'file' = 'raw';
  for (const line of part.subarray(0, headerEnd).toString('latin1').split('\r\n')) {
    const parsed = parseHeaderBytes(line);
    const colon = parsed?.key.indexOf(':') ?? -1;
    if (parsed === null || colon < 0) continue;
    const name = parsed.key.slice(0, colon);
    if (name === 'content-disposition') {
      const filename = parsed.params.get('filename');
      type = filename !== undefined && paramText(filename) !== '' ? 'file' : 'field';
    }
    headers.set(name, { value: parsed.key.slice(colon + 1), params: parsed.params });
  }
  return { type, headers, body: part.subarray(headerEnd + 4) };
}

function paramText(param: HeaderParam): string {
  return 'bytes' in param ? param.bytes : param.text;
}

/** Django's `force_str` + `sanitize_file_name`; `null` when Django skips the file. */
function uploadFileName(param: HeaderParam | undefined, codec: Codec): string | null {
  if (param === undefined || paramText(param) === '') return null;
  const decoded = 'bytes' in param ? decodeReplacing(latin1Bytes(param.bytes), codec) : param.text;
  const lastSegment = htmlUnescape(decoded).split('/').pop()?.split('\\').pop() ?? '';
  return lastSegment === '' || lastSegment === '.' || lastSegment === '..' ? null : lastSegment;
}

/** Django decodes base64 file parts in whitespace-free groups of four; leftovers are an error. */
function decodeBase64File(body: Buffer): Buffer {
  const stripped = Buffer.from(body.toString('latin1').replace(/[ \t\n\r\v\f]/g, ''), 'latin1');
  const aligned = Math.floor(stripped.length / 4) * 4;
  const decoded = aligned > 0 ? pythonB64Decode(stripped.subarray(0, aligned)) : Buffer.alloc(0);
  if (decoded === null || aligned !== stripped.length) throw multipartError('Could not decode base64 data.');
  return decoded;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * `base64.b64decode(data)` (binascii's non-strict mode): other characters are skipped, a
 * complete padding ends the input, an unfinished quad is an error (`null`).
 */
function pythonB64Decode(data: Uint8Array): Buffer | null {
  const out: number[] = [];
  let quadPos = 0;
  let leftChar = 0;
  let pads = 0;
  for (const byte of data) {
    if (byte === 0x3d /* = */) {
      if (quadPos >= 2 && quadPos + ++pads >= 4) return Buffer.from(out);
      continue;
    }
    const value = BASE64_ALPHABET.indexOf(String.fromCharCode(byte));
    if (value < 0) continue;
    pads = 0;
    switch (quadPos) {
      case 0:
        leftChar = value;
        break;
      case 1:
        out.push(((leftChar << 2) | (value >> 4)) & 0xff);
        leftChar = value & 0x0f;
        break;
      case 2:
        out.push(((leftChar << 4) | (value >> 2)) & 0xff);
        leftChar = value & 0x03;
        break;
      default:
        out.push(((leftChar << 6) | value) & 0xff);
        leftChar = 0;
    }
    quadPos = (quadPos + 1) % 4;
  }
  return quadPos === 0 ? Buffer.from(out) : null;
}

/** The named references that can make Django drop a file name or make it blank. */
const FILE_NAME_ENTITIES: Readonly<Record<string, string>> = {
  'bsol;': '\\', 'sol;': '/', 'period;': '.', 'nbsp': '\xa0', 'nbsp;': '\xa0', 'NonBreakingSpace;': '\xa0',
  'Tab;': '\t', 'NewLine;': '\n', 'ensp;': '\u2002', 'emsp;': '\u2003', 'emsp13;': '\u2004', 'emsp14;': '\u2005',
  'numsp;': '\u2007', 'puncsp;': '\u2008', 'thinsp;': '\u2009', 'ThinSpace;': '\u2009', 'hairsp;': '\u200a',
  'VeryThinSpace;': '\u200a', 'MediumSpace;': '\u205f', 'ThickSpace;': '\u205f\u200a',
};

/** html._invalid_charrefs for 0x80-0x9F: the windows-1252 reading. */
const CP1252_C1 = '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

/** Python's `html.unescape` (numeric references exactly; named ones as noted above). */
function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const digits = ref.replace(/;$/, '');
      const num = digits[1] === 'x' || digits[1] === 'X' ? parseInt(digits.slice(2), 16) : Number(digits.slice(1));
      if (num === 0) return '\ufffd';
      if (num === 0x0d) return '\r';
      if (num >= 0x80 && num <= 0x9f) return CP1252_C1[num - 0x80] ?? '';
      if ((num >= 0xd800 && num <= 0xdfff) || !(num <= 0x10ffff)) return '\ufffd';
      const invalid =
        (num >= 0x01 && num <= 0x08) || num === 0x0b || (num >= 0x0e && num <= 0x1f) || num === 0x7f ||
        (num >= 0xfdd0 && num <= 0xfdef) || (num & 0xfffe) === 0xfffe;
      return invalid ? '' : String.fromCodePoint(num);
    }
    const exact = FILE_NAME_ENTITIES[ref];
    if (exact !== undefined) return exact;
    for (let x = ref.length - 1; x > 1; x--) {
      const prefix = FILE_NAME_ENTITIES[ref.slice(0, x)];
      if (prefix !== undefined) return prefix + ref.slice(x);
    }
    return whole;
  });
}
