/**
 * Building responses the way Django + DRF send them: compact JSON (`JSONRenderer`), the headers
 * Django's SecurityMiddleware adds to everything, and DRF's `Vary`/`Allow` on API views.
 */
import { TesseraError, type Json } from '../errors.js';
import type { HttpResponse } from './http-types.js';

/** What Django's SecurityMiddleware adds to every response of the reference server. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/**
 * Every answer that carries a token: never stored by a browser, proxy or CDN (RFC 6749 §5.1:
 * "Cache-Control: no-store" and "Pragma: no-cache"; simplejwt sends neither).
 */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/**
 * The headers of an API answer without extras, one shared frozen object per `allow` value (and
 * per with/without body): building them with three spreads was 3.5% of a verify request's CPU
 * under `--cpu-prof` (docs/decisions.md D15). Frozen, so no caller can change them for all.
 */
const sharedApiHeaders = new Map<string, Readonly<Record<string, string>>>();

function apiHeaders(allow: string, hasBody: boolean): Readonly<Record<string, string>> {
  const key = hasBody ? allow : `-${allow}`;
  let headers = sharedApiHeaders.get(key);
  if (headers === undefined) {
    // DRF sends no Content-Type at all for an empty body (e.g. registration's 201).
    const contentType: Record<string, string> = hasBody ? { 'content-type': 'application/json' } : {};
    headers = Object.freeze({ ...contentType, vary: 'Accept', allow, ...SECURITY_HEADERS });
    sharedApiHeaders.set(key, headers);
  }
  return headers;
}

/** A DRF API view's JSON answer. `allow` is the view's methods, as DRF lists them. */
export function jsonResponse(
  status: number,
  body: Json | undefined,
  allow: string,
  extraHeaders?: Record<string, string>,
  /** Spaces per level (`Accept: application/json; indent=4`); 0 for DRF's compact default. */
  indent = 0,
): HttpResponse {
  const base = apiHeaders(allow, body !== undefined);
  return {
    status,
    // The type says mutable; the shared object is frozen, and every consumer copies it.
    headers: extraHeaders === undefined ? base : { ...base, ...extraHeaders },
    body: body === undefined ? '' : indent > 0 ? JSON.stringify(body, null, indent) : JSON.stringify(body),
  };
}

/**
 * A `TesseraError` as DRF renders it. Every 401 carries `WWW-Authenticate` built from the first
 * AUTH_HEADER_TYPES entry (without it DRF would have turned the 401 into a 403).
 */
export function errorResponse(error: TesseraError, allow: string, authHeaderType: string, indent = 0): HttpResponse {
  const headers: Record<string, string> = { ...error.headers };
  if (error.status === 401) headers['www-authenticate'] = `${authHeaderType} realm="api"`;
  return jsonResponse(error.status, error.body, allow, Object.keys(headers).length > 0 ? headers : undefined, indent);
}

/** Django's 404 page with DEBUG off (leading newline included). */
export function notFoundResponse(): HttpResponse {
  return {
    status: 404,
    headers: { 'content-type': 'text/html', ...SECURITY_HEADERS },
    body: '\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n',
  };
}

/** Django's APPEND_SLASH redirect (CommonMiddleware), for a known path asked without its slash. */
export function appendSlashRedirect(location: string): HttpResponse {
  return { status: 301, headers: { 'content-type': 'text/html; charset=utf-8', location, ...SECURITY_HEADERS }, body: '' };
}
