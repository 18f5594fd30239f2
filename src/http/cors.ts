/**
 * CORS with django-cors-headers' settings and answers: nothing is allowed by default; an
 * allowed origin gets `Access-Control-Allow-Origin` (its own value, never `*` with credentials:
 * refused at start-up), preflights are answered here, before any route, with an empty 200.
 * A request without `Origin` is left exactly as it was (no `Vary`), so non-browser clients see
 * simplejwt's headers.
 *
 * One policy for the bundled server and every adapter: the adapters' `cors` options and
 * middlewares only translate these answers into their framework.
 */
import type { Settings } from '../config/settings.js';
import { header, type HttpRequest, type HttpResponse } from './http-types.js';

type CorsSettings = Pick<
  Settings,
  | 'CORS_ALLOWED_ORIGINS'
  | 'CORS_ALLOW_CREDENTIALS'
  | 'CORS_ALLOW_HEADERS'
  | 'CORS_EXPOSE_HEADERS'
  | 'CORS_PREFLIGHT_MAX_AGE'
  | 'JWT_AUTH_COOKIE'
  | 'CSRF_HEADER_NAME'
>;

/** What CORS reads of a request (adapters build it from their framework's request). */
export type CorsRequest = Pick<HttpRequest, 'method' | 'headers'>;

/** django-cors-headers' default CORS_ALLOW_METHODS. */
const ALLOWED_METHODS = 'DELETE, GET, OPTIONS, PATCH, POST, PUT';

export interface CorsPolicy {
  /** The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`), or `undefined` for any other request. */
  preflight(request: CorsRequest): HttpResponse | undefined;
  /** The headers to add to the answer of an actual request (none when it has no allowed `Origin`). */
  responseHeaders(request: CorsRequest): Record<string, string>;
}

/** A request is a preflight when it is an `OPTIONS` with `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(request: CorsRequest): boolean {
  return (
    request.method === 'OPTIONS' &&
    header(request, 'origin') !== undefined &&
    header(request, 'access-control-request-method') !== undefined
  );
}

/**
 * The CORS policy of `settings`, or `undefined` when CORS_ALLOWED_ORIGINS is empty (then
 * preflights reach the routes and get DRF's OPTIONS answer, as without django-cors-headers).
 *
 * @example
 * ```ts
 * const cors = corsPolicy(tessera.settings);
 * const answer = cors?.preflight(request) ?? (await dispatch(request));
 * Object.assign(answer.headers, cors?.responseHeaders(request));
 * ```
 */
export function corsPolicy(settings: CorsSettings): CorsPolicy | undefined {
  const origins = settings.CORS_ALLOWED_ORIGINS;
  if (origins.length === 0) return undefined;
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins);
  const exposed = [...settings.CORS_EXPOSE_HEADERS];
  // Cookie mode sends the CSRF token in a response header, for front ends on another site.
  const csrfHeader = settings.CSRF_HEADER_NAME.replace(/^HTTP_/, '')
    .replaceAll('_', '-')
    .toLowerCase();
  if (settings.JWT_AUTH_COOKIE !== null && !exposed.includes(csrfHeader)) exposed.push(csrfHeader);

  const allowedOrigin = (request: CorsRequest): string | undefined => {
    const origin = header(request, 'origin');
    if (origin === undefined) return undefined;
    if (anyOrigin) return '*';
    return allowed.has(origin.toLowerCase()) ? origin : undefined;
  };

  const commonHeaders = (origin: string): Record<string, string> => {
    const headers: Record<string, string> = { 'access-control-allow-origin': origin };
    if (settings.CORS_ALLOW_CREDENTIALS) headers['access-control-allow-credentials'] = 'true';
    return headers;
  };

  return {
    preflight(request) {
      if (!isPreflight(request)) return undefined;
      const origin = allowedOrigin(request);
      // An origin not allowed still gets an empty 200 (django-cors-headers): without the
      // Allow-Origin header the browser refuses to send the actual request.
      const headers: Record<string, string> = { vary: 'Origin', 'content-length': '0' };
      if (origin !== undefined) {
        Object.assign(headers, commonHeaders(origin), {
          'access-control-allow-headers': settings.CORS_ALLOW_HEADERS.join(', '),
          'access-control-allow-methods': ALLOWED_METHODS,
        });
        if (settings.CORS_PREFLIGHT_MAX_AGE > 0) headers['access-control-max-age'] = String(settings.CORS_PREFLIGHT_MAX_AGE);
      }
      return { status: 200, headers, body: '' };
    },
    responseHeaders(request) {
      if (header(request, 'origin') === undefined) return {};
      const origin = allowedOrigin(request);
      if (origin === undefined) return { vary: 'Origin' };
      const headers = commonHeaders(origin);
      if (exposed.length > 0) headers['access-control-expose-headers'] = exposed.join(', ');
      headers.vary = 'Origin';
      return headers;
    },
  };
}

/** Adds `extra` to `response` (header names are lower case throughout), merging `Vary` with what the response already varies on. */
export function withCorsHeaders(response: HttpResponse, extra: Record<string, string>): HttpResponse {
  if (Object.keys(extra).length === 0) return response;
  const headers = { ...response.headers, ...extra };
  const vary = response.headers.vary;
  if (vary !== undefined && extra.vary !== undefined) {
    headers.vary = vary
      .toLowerCase()
      .split(/\s*,\s*/)
      .includes('origin')
      ? vary
      : `${vary}, Origin`;
  }
  return { ...response, headers };
}
