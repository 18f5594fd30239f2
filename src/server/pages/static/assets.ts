/**
 * Serving the pages' stylesheet and script. Their URLs carry a hash of their content, so
 * browsers may cache them for a year and still never run a stale script after an upgrade.
 */
import { createHash } from 'node:crypto';
import type { HttpRequest } from '../../../http/http-types.js';
import { PAGE_SECURITY_HEADERS, type PageResponse } from '../page-response.js';
import { CONSOLE_CSS } from './console-css.js';
import { CONSOLE_JS } from './console-js.js';

/** Where the assets live; everything under it belongs to Tessera's pages. */
export const STATIC_PREFIX = '/static/tessera/';

interface Asset {
  readonly body: string;
  readonly contentType: string;
  readonly etag: string;
}

function asset(body: string, contentType: string): Asset {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** A tile of four squares (a tessera is a mosaic tile), so browsers stop asking for /favicon.ico. */
const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#14213d"/>' +
  '<rect x="6" y="6" width="9" height="9" fill="#ffbf47"/><rect x="17" y="6" width="9" height="9" fill="#fff"/>' +
  '<rect x="6" y="17" width="9" height="9" fill="#fff"/><rect x="17" y="17" width="9" height="9" fill="#ffbf47"/></svg>';

const ASSETS: ReadonlyMap<string, Asset> = new Map([
  [`${STATIC_PREFIX}console.css`, asset(CONSOLE_CSS, 'text/css; charset=utf-8')],
  [`${STATIC_PREFIX}console.js`, asset(CONSOLE_JS, 'text/javascript; charset=utf-8')],
  [`${STATIC_PREFIX}icon.svg`, asset(ICON_SVG, 'image/svg+xml')],
]);

function versioned(path: string): string {
  const found = ASSETS.get(path);
  return found === undefined ? path : `${path}?v=${found.etag.slice(1, 13)}`;
}

/** The URLs pages link to, with their cache-busting version. */
export const ASSET_URLS = {
  css: versioned(`${STATIC_PREFIX}console.css`),
  js: versioned(`${STATIC_PREFIX}console.js`),
  icon: versioned(`${STATIC_PREFIX}icon.svg`),
} as const;

/** Answers a GET or HEAD of an asset; `undefined` for any other path under the prefix. */
export function serveAsset(request: HttpRequest): PageResponse | undefined {
  const found = ASSETS.get(request.path);
  if (found === undefined) return undefined;
  const headers: Record<string, string> = {
    ...PAGE_SECURITY_HEADERS,
    'content-type': found.contentType,
    'cache-control': 'public, max-age=31536000, immutable',
    etag: found.etag,
  };
  const ifNoneMatch = request.headers['if-none-match'];
  if (typeof ifNoneMatch === 'string' && ifNoneMatch.split(',').some((tag) => tag.trim() === found.etag)) {
    return { status: 304, headers, body: '' };
  }
  return { status: 200, headers, body: request.method === 'HEAD' ? '' : found.body };
}

/** The asset URLs when the assets are served under `base` (`/admin/static/`) instead of STATIC_PREFIX. */
export function assetUrlsUnder(base: string): { readonly css: string; readonly js: string; readonly icon: string } {
  const moved = (url: string): string => `${base}${url.slice(STATIC_PREFIX.length)}`;
  return { css: moved(ASSET_URLS.css), js: moved(ASSET_URLS.js), icon: moved(ASSET_URLS.icon) };
}

/** `serveAsset` for assets served under `base`; `undefined` for a path outside it or no such asset. */
export function serveAssetUnder(base: string, request: HttpRequest): PageResponse | undefined {
  if (!request.path.startsWith(base)) return undefined;
  return serveAsset({ ...request, path: `${STATIC_PREFIX}${request.path.slice(base.length)}` });
}
