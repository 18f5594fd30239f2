/**
 * DRF's `MultiPartParser`: a port of Django's `MultiPartParser`, lenient exactly where Django is
 * (see body.ts for why not a general-purpose parser).
 */

import { TesseraError } from '../../errors.js';
import { markHtmlFormInput, pythonStrip } from '../fields.js';
import { isAsciiText, stripAsciiWhitespace } from './ascii-text.js';
import { pythonB64Decode } from './b64decode.js';
import { decodeReplacing, latin1Bytes, type Codec } from './codecs.js';
import { MAX_FORM_FIELDS, MAX_FORM_FIELD_BYTES, MAX_FORM_FILES, UploadedFile, setOwn, tooManyFields, type FormBody } from './form-body.js';
import { parseHeaderBytes, type HeaderParam } from './header-params.js';
import { htmlUnescape } from './html-unescape.js';

function multipartError(message: string): TesseraError {
  return TesseraError.of('parse_error', `Multipart form parse error - ${message}`);
}

/** `cgi.valid_boundary` on bytes (`$` also matches before a final newline). */
function isValidBoundary(boundary: string): boolean {
  return /^[ -~]{0,200}[!-~]\n?$/.test(boundary);
}

/** DRF's `MultiPartParser`: Django's `MultiPartParser` with the default upload handlers. */
export function parseMultipart(contentType: string, raw: Buffer, codec: Codec): FormBody {
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
    const fieldName =
      'bytes' in nameParam ? decodeReplacing(latin1Bytes(stripAsciiWhitespace(nameParam.bytes)), codec) : pythonStrip(nameParam.text);
    const base64 = item.headers.get('content-transfer-encoding')?.value.trim() === 'base64';

    if (item.type === 'field') {
      const read = item.body.subarray(0, MAX_FORM_FIELD_BYTES - fieldBytes);
      // eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points, as Python's len() counts them
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
    pendingFile = new UploadedFile(
      fieldName,
      fileName,
      contentTypeHeader?.value.trim() ?? '',
      base64 ? decodeBase64File(item.body) : item.body,
    );
  }

  const values: FormBody = {};
  for (const [name, value] of posted) setOwn<string | UploadedFile>(values, name, value);
  // request.data is the POST QueryDict extended with FILES: a file is the last value of its name.
  for (const [name, file] of files) setOwn<string | UploadedFile>(values, name, file);
  return markHtmlFormInput(values);
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
