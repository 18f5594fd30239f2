/**
 * What the pages answer with: an `HttpResponse` that may set cookies (the admin console's), and
 * the headers every page carries.
 */
import type { HttpRequest, HttpResponse } from '../../http/http-types.js';
import type { SafeHtml } from './html.js';

/** A page's answer. `setCookies` are whole `Set-Cookie` values, one header line each. */
export interface PageResponse extends HttpResponse {
  setCookies?: string[];
}

/** What the server knows of the connection beyond the request itself. */
export interface ConnectionInfo {
  /** The request came over HTTPS (directly, or through a proxy TRUST_PROXY believes). */
  readonly secure: boolean;
}

/**
 * The policy: this origin's stylesheet and script only (no inline script or style, no other
 * host), `fetch` to this origin only, forms posting to this origin only, no framing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** On every page and asset. */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * An HTML page. Never cached: pages show tokens, users and CSRF tokens. `vary` is for pages
 * served at API URLs, whose JSON answer depends on the same header.
 */
export function htmlResponse(
  status: number,
  markup: SafeHtml,
  options: { vary?: string; setCookies?: string[]; method?: string } = {},
): PageResponse {
  const headers: Record<string, string> = {
    ...PAGE_SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    pragma: 'no-cache',
  };
  if (options.vary !== undefined) headers.vary = options.vary;
  const response: PageResponse = { status, headers, body: options.method === 'HEAD' ? '' : `<!doctype html>\n${markup.toString()}` };
  if (options.setCookies !== undefined) response.setCookies = options.setCookies;
  return response;
}

/** A 303 to `location` (after a POST: the browser GETs the result, and reloading repeats nothing). */
export function seeOther(location: string, setCookies?: string[]): PageResponse {
  const response: PageResponse = { status: 303, headers: { ...PAGE_SECURITY_HEADERS, location, 'cache-control': 'no-store' }, body: '' };
  if (setCookies !== undefined) response.setCookies = setCookies;
  return response;
}

/** Django's APPEND_SLASH answer for a page asked without its trailing slash. */
export function movedPermanently(request: HttpRequest): PageResponse {
  return { status: 301, headers: { ...PAGE_SECURITY_HEADERS, location: `${request.path}/${request.search ?? ''}` }, body: '' };
}
