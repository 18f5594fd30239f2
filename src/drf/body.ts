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

import { TesseraError } from '../errors.js';
import { markHtmlFormInput } from './fields.js';
import { REFERENCE_MAX_JSON_DEPTH } from './python-json.js';
import { requestCodec } from './parsers/header-params.js';
import { parseJson } from './parsers/json-parser.js';
import { FORM_URLENCODED, MULTIPART, drfMediaType, selectParser } from './parsers/media-type.js';
import { parseMultipart } from './parsers/multipart.js';
import { parseUrlEncoded } from './parsers/urlencoded.js';

export { MAX_FORM_FIELDS, MAX_FORM_FIELD_BYTES, MAX_FORM_FILES, UploadedFile, type FormBody } from './parsers/form-body.js';

const JSON_MEDIA_TYPE = 'application/json';

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
