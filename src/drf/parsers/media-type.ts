/**
 * Media types as DRF matches them: which parser (JSON, form, multipart) a Content-Type selects.
 */

import { parseHeaderBytes } from './header-params.js';

export const FORM_URLENCODED = 'application/x-www-form-urlencoded';
export const MULTIPART = 'multipart/form-data';

/**
 * DRF's `_MediaType` of the request's Content-Type (via `parse_header_parameters`, which
 * UTF-8-encodes the header first). `null` where Django raises (non-ASCII main value).
 */
export function drfMediaType(contentType: string): { fullType: string; main: string; sub: string } | null {
  const parsed = parseHeaderBytes(Buffer.from(contentType, 'utf8').toString('latin1'));
  if (parsed === null) return null;
  const slash = parsed.key.indexOf('/');
  const main = slash < 0 ? parsed.key : parsed.key.slice(0, slash);
  const sub = slash < 0 ? '' : parsed.key.slice(slash + 1);
  return { fullType: parsed.key, main, sub };
}

/** DRF's `DefaultContentNegotiation.select_parser` over the default parser classes. */
export function selectParser(contentType: string): 'json' | 'form' | 'multipart' | null {
  const request = drfMediaType(contentType);
  if (request === null) return null;
  const matches = (main: string, sub: string): boolean =>
    (request.sub === '*' || request.sub === sub) && (request.main === '*' || request.main === main);
  if (matches('application', 'json')) return 'json';
  if (matches('application', 'x-www-form-urlencoded')) return 'form';
  if (matches('multipart', 'form-data')) return 'multipart';
  return null;
}
