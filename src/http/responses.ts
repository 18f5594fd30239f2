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

/** A DRF API view's JSON answer. `allow` is the view's methods, as DRF lists them. */
export function jsonResponse(
  status: number,
  body: Json | undefined,
  allow: string,
  extraHeaders: Record<string, string> = {},
  /** Spaces per level (`Accept: application/json; indent=4`); 0 for DRF's compact default. */
  indent = 0,
): HttpResponse {
  // DRF sends no Content-Type at all for an empty body (e.g. registration's 201).
  const contentType: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  return {
    status,
    headers: { ...contentType, vary: 'Accept', allow, ...SECURITY_HEADERS, ...extraHeaders },
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
  return jsonResponse(error.status, error.body, allow, headers, indent);
}

/** Django's 404 page with DEBUG off (leading newline included). */
export function notFoundResponse(): HttpResponse {
  return {
    status: 404,
    headers: { 'content-type': 'text/html', ...SECURITY_HEADERS },
    body:
      '\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n',
  };
}

/** Django's APPEND_SLASH redirect (CommonMiddleware), for a known path asked without its slash. */
export function appendSlashRedirect(location: string): HttpResponse {
  return { status: 301, headers: { 'content-type': 'text/html; charset=utf-8', location, ...SECURITY_HEADERS }, body: '' };
}
