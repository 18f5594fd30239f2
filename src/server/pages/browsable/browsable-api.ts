/**
 * DRF's browsable API, as a layer in front of the API: a browser asking an API URL for HTML gets
 * the endpoint's page; everything else goes on to the API untouched.
 *
 * What the layer takes, and nothing more:
 * - GET/HEAD of a route's path (or of `/`) whose `Accept` ranks HTML first (`prefersHtml`);
 * - POST of a route's path with a form body (`application/x-www-form-urlencoded`) and `Accept`
 *   ranking HTML first: an HTML form sent without JavaScript. The API handles it as usual and
 *   its answer is rendered into the page.
 * JSON clients (`application/json`, `*\/*`, no Accept) never match either rule.
 *
 * Pages answer 200, also around a failed call (DRF answers a browser's GET of a POST-only view
 * with 405 around its page): the page is what the browser asked for, and the API's status is
 * shown inside it. The exception is a CSRF refusal (cookie mode), which keeps its 403.
 */
import { header, type HttpRequest } from '../../../http/http-types.js';
import type { RequestDispatcher } from '../../../http/router.js';
import type { Route } from '../../../http/route.js';
import { prefersHtml } from '../negotiation.js';
import { htmlResponse, type PageResponse } from '../page-response.js';
import { renderApiRoot, renderEndpointPage, type BrowsableSite } from './endpoint-page.js';

export interface BrowsableApiOptions extends BrowsableSite {
  /** The API itself, for forms posted without JavaScript. */
  readonly dispatch: RequestDispatcher;
}

/** The browsable API layer; `undefined` means "not a page request, let the API answer". */
export function createBrowsableApi(options: BrowsableApiOptions): (request: HttpRequest) => Promise<PageResponse | undefined> {
  const byPath = new Map<string, Route>(options.routes.map((route) => [route.path, route]));
  return async (request) => {
    if (!prefersHtml(header(request, 'accept'))) return undefined;
    const { method, path } = request;
    const route = byPath.get(path);
    if (method === 'GET' || method === 'HEAD') {
      if (route !== undefined) return htmlResponse(200, renderEndpointPage(options, route), { vary: 'Accept', method });
      if (path === '/') return htmlResponse(200, renderApiRoot(options), { vary: 'Accept', method });
      return undefined;
    }
    const contentType = (header(request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (method === 'POST' && route?.handlers.POST !== undefined && contentType === 'application/x-www-form-urlencoded') {
      const answer = await options.dispatch(request);
      // Cookie mode: a CSRF refusal keeps its 403 around the page (a cross-site form must not look
      // accepted), and the cookies the API set or cleared are kept.
      const status = answer.status === 403 ? 403 : 200;
      return htmlResponse(status, renderEndpointPage(options, route, answer), {
        vary: 'Accept',
        ...(answer.setCookies === undefined ? {} : { setCookies: answer.setCookies }),
      });
    }
    return undefined;
  };
}
