/**
 * The pages people use, registered with the router (`http/router.ts`) rather than placed in
 * front of it: the browsable API is DRF's HTML renderer, which the router's one content
 * negotiation picks for a route when `Accept` ranks HTML first; the static assets, the OpenAPI
 * document, its reference page, the admin console and the API root live at paths no route has,
 * and the router asks them only for such a path. A JSON request to an API route never reaches
 * any of this.
 */
import type { ErrorReporter, HtmlRenderer, MountedPages } from '../../http/router.js';
import type { Route } from '../../http/route.js';
import type { HttpRequest, HttpResponse } from '../../http/http-types.js';
import type { Tessera } from '../../app/tessera.js';
import { createAdminConsole, SERVER_CONSOLE } from './admin/admin-console.js';
import { messagePage } from './admin/console-layout.js';
import { createBrowsableApi } from './browsable/browsable-api.js';
import { header } from '../../http/http-types.js';
import { prefersHtml } from './negotiation.js';
import { renderDocsPage } from './openapi/docs-page.js';
import { buildOpenApiDocument } from './openapi/openapi-document.js';
import { htmlResponse, movedPermanently, PAGE_SECURITY_HEADERS, type PageResponse } from './page-response.js';
import { serveAsset, STATIC_PREFIX } from './static/assets.js';
import { contextOf } from '../../app/tessera-context.js';

export const SCHEMA_PATH = '/api/schema/';
export const DOCS_PATH = '/api/docs/';
export const ADMIN_PREFIX = '/admin/';

export interface PagesOptions {
  /** The routes the router dispatches: the browsable API and the OpenAPI document describe exactly these. */
  readonly routes: readonly Route[];
  /** Unexpected errors; never given request bodies or headers. */
  readonly reportError: ErrorReporter;
  /** Serve the admin console at `/admin/`. @default true */
  readonly admin?: boolean;
}

/** The pages as the router takes them, and what a framework must send to the router for them. */
export interface Pages extends MountedPages {
  readonly html: HtmlRenderer;
  readonly unrouted: (request: HttpRequest) => Promise<HttpResponse | undefined>;
  /** Whether a page (not the API) produced this answer: the metrics' `route` label. */
  servedByPage(response: HttpResponse): boolean;
}

/** The pages for a router that serves `options.routes` of `tessera`. */
export function createPages(tessera: Tessera, options: PagesOptions): Pages {
  const document = buildOpenApiDocument(options.routes, tessera.settings);
  const documentJson = JSON.stringify(document, null, 2);
  const admin = options.admin === false ? undefined : createAdminConsole(contextOf(tessera));
  const browsable = createBrowsableApi({ routes: options.routes, settings: tessera.settings });
  const answered = new WeakSet<HttpResponse>();

  const schema = (method: string, accept: string | undefined): PageResponse => ({
    status: 200,
    headers: {
      ...PAGE_SECURITY_HEADERS,
      // A browser shows `application/json` as text; tools get the registered OpenAPI type.
      'content-type': prefersHtml(accept) ? 'application/json; charset=utf-8' : 'application/vnd.oai.openapi+json;version=3.1',
      'cache-control': 'no-cache',
      vary: 'Accept',
    },
    body: method === 'HEAD' ? '' : documentJson,
  });

  /** A path no route has; `undefined` leaves it to the router (its 404 or 301). */
  async function unrouted(request: HttpRequest): Promise<PageResponse | undefined> {
    const { path, method } = request;
    const isGet = method === 'GET' || method === 'HEAD';
    if (path.startsWith(STATIC_PREFIX)) return isGet ? serveAsset(request) : undefined;
    if (path === SCHEMA_PATH || path === SCHEMA_PATH.slice(0, -1)) {
      if (path !== SCHEMA_PATH) return movedPermanently(request);
      return isGet ? schema(method, header(request, 'accept')) : undefined;
    }
    if (path === DOCS_PATH || path === DOCS_PATH.slice(0, -1)) {
      if (path !== DOCS_PATH) return movedPermanently(request);
      return isGet ? htmlResponse(200, renderDocsPage(document), { method }) : undefined;
    }
    if (admin !== undefined && (path === '/admin' || path.startsWith(ADMIN_PREFIX))) {
      const response = await admin(request, { secure: request.secure === true });
      if (response !== undefined && method === 'HEAD') response.body = '';
      return response;
    }
    return path === '/' ? browsable.root(request) : undefined;
  }

  /** Runs a page; an unexpected error is reported and answered with the error page. */
  async function guarded(request: HttpRequest, page: () => Promise<PageResponse | undefined>): Promise<HttpResponse | undefined> {
    let response: PageResponse | undefined;
    try {
      response = await page();
    } catch (error) {
      options.reportError(error, { method: request.method, path: request.path });
      response = htmlResponse(
        500,
        messagePage(SERVER_CONSOLE, undefined, 'Server error', 'Something went wrong on the server. It has been logged.'),
      );
    }
    if (response !== undefined) answered.add(response);
    return response;
  }

  return {
    html: { render: (request, route, json) => guarded(request, () => browsable.render(request, route, json)) },
    unrouted: (request) => guarded(request, () => unrouted(request)),
    paths: ['/', SCHEMA_PATH, SCHEMA_PATH.slice(0, -1), DOCS_PATH, DOCS_PATH.slice(0, -1), ...(admin === undefined ? [] : ['/admin'])],
    prefixes: [STATIC_PREFIX, ...(admin === undefined ? [] : [ADMIN_PREFIX])],
    servedByPage: (response) => answered.has(response),
  };
}
