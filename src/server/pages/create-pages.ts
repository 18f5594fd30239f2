/**
 * The pages people use, as one handler in front of the API: the static assets, the OpenAPI
 * document and its reference page, the admin console, and the browsable API. A request none
 * of them takes (every JSON request to an API route among them) is left for the API.
 */
import type { ErrorReporter, RequestDispatcher } from '../../http/router.js';
import type { Route } from '../../http/route.js';
import type { Tessera } from '../../app/tessera.js';
import { createAdminConsole, SERVER_CONSOLE } from './admin/admin-console.js';
import { messagePage } from './admin/console-layout.js';
import { createBrowsableApi } from './browsable/browsable-api.js';
import { header } from '../../http/http-types.js';
import { prefersHtml } from './negotiation.js';
import { renderDocsPage } from './openapi/docs-page.js';
import { buildOpenApiDocument } from './openapi/openapi-document.js';
import { htmlResponse, movedPermanently, PAGE_SECURITY_HEADERS, type PageHandler, type PageResponse } from './page-response.js';
import { serveAsset, STATIC_PREFIX } from './static/assets.js';

export const SCHEMA_PATH = '/api/schema/';
export const DOCS_PATH = '/api/docs/';

export interface PagesOptions {
  /** The routes the server dispatches: the browsable API and the OpenAPI document describe exactly these. */
  readonly routes: readonly Route[];
  /** The API, for forms the browsable API posts without JavaScript. */
  readonly dispatch: RequestDispatcher;
  /** Unexpected errors; never given request bodies or headers. */
  readonly reportError: ErrorReporter;
}

/** The pages handler for a server that serves `options.routes` of `tessera`. */
export function createPages(tessera: Tessera, options: PagesOptions): PageHandler {
  const routePaths = new Set(options.routes.map((route) => route.path));
  const document = buildOpenApiDocument(options.routes, tessera.settings);
  const documentJson = JSON.stringify(document, null, 2);
  const adminConsole = createAdminConsole(tessera.context);
  const browsable = createBrowsableApi({ routes: options.routes, settings: tessera.settings, dispatch: options.dispatch });
  const ownsPath = (path: string): boolean => !routePaths.has(path);

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

  async function route(request: Parameters<PageHandler>[0], connection: Parameters<PageHandler>[1]): Promise<PageResponse | undefined> {
    const { path, method } = request;
    const isGet = method === 'GET' || method === 'HEAD';
    if (path.startsWith(STATIC_PREFIX) && ownsPath(path)) return isGet ? serveAsset(request) : undefined;
    if (ownsPath(SCHEMA_PATH) && (path === SCHEMA_PATH || path === SCHEMA_PATH.slice(0, -1))) {
      if (path !== SCHEMA_PATH) return movedPermanently(request);
      return isGet ? schema(method, header(request, 'accept')) : undefined;
    }
    if (ownsPath(DOCS_PATH) && (path === DOCS_PATH || path === DOCS_PATH.slice(0, -1))) {
      if (path !== DOCS_PATH) return movedPermanently(request);
      return isGet ? htmlResponse(200, renderDocsPage(document), { method }) : undefined;
    }
    if ((path === '/admin' || path.startsWith('/admin/')) && ownsPath(path)) {
      const response = await adminConsole(request, connection);
      if (response !== undefined && method === 'HEAD') response.body = '';
      return response;
    }
    return browsable(request);
  }

  return async (request, connection) => {
    try {
      return await route(request, connection);
    } catch (error) {
      options.reportError(error, { method: request.method, path: request.path });
      return htmlResponse(
        500,
        messagePage(SERVER_CONSOLE, undefined, 'Server error', 'Something went wrong on the server. It has been logged.'),
      );
    }
  };
}
