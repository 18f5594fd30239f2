/**
 * DRF's browsable API, as the router's HTML renderer: the router's one content negotiation
 * gives it the requests to an API route whose `Accept` ranks HTML first (a browser's), and it
 * answers those it can show; everything else is answered by the JSON renderer as usual.
 *
 * What it shows, and nothing more:
 * - GET/HEAD of a route: the endpoint's page;
 * - POST of a route with a form body (`application/x-www-form-urlencoded`): an HTML form sent
 *   without JavaScript. The API answers it as usual (`json()`), and its answer is rendered into
 *   the page.
 * - GET/HEAD of `/` (no route's path) from a browser: the API root.
 * JSON clients (`application/json`, `*\/*`, no Accept) never reach it.
 *
 * Pages answer 200, also around a failed call (DRF answers a browser's GET of a POST-only view
 * with 405 around its page): the page is what the browser asked for, and the API's status is
 * shown inside it. The exception is a CSRF refusal (cookie mode), which keeps its 403.
 */
import { header, type HttpRequest, type HttpResponse } from '../../../http/http-types.js';
import type { Route } from '../../../http/route.js';
import { prefersHtml } from '../negotiation.js';
import { htmlResponse, type PageResponse } from '../page-response.js';
import { renderApiRoot, renderEndpointPage, type BrowsableSite } from './endpoint-page.js';

export interface BrowsableApi {
  /** A route's page, for a request the negotiation gave to HTML; `undefined`: the JSON answer. */
  render(request: HttpRequest, route: Route, json: () => Promise<HttpResponse>): Promise<PageResponse | undefined>;
  /** `/` in a browser; `undefined` for anyone else (the router's 404). */
  root(request: HttpRequest): Promise<PageResponse | undefined>;
}

export function createBrowsableApi(site: BrowsableSite): BrowsableApi {
  return {
    render: async (request, route, json) => {
      const { method } = request;
      if (method === 'GET' || method === 'HEAD') return htmlResponse(200, renderEndpointPage(site, route), { vary: 'Accept', method });
      const contentType = (header(request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
      if (method !== 'POST' || route.handlers.POST === undefined || contentType !== 'application/x-www-form-urlencoded') return undefined;
      const answer = await json();
      // Cookie mode: a CSRF refusal keeps its 403 around the page (a cross-site form must not look
      // accepted), and the cookies the API set or cleared are kept.
      const status = answer.status === 403 ? 403 : 200;
      return htmlResponse(status, renderEndpointPage(site, route, answer), {
        vary: 'Accept',
        ...(answer.setCookies === undefined ? {} : { setCookies: answer.setCookies }),
      });
    },
    root: (request) => {
      const { method } = request;
      const page = (method === 'GET' || method === 'HEAD') && prefersHtml(header(request, 'accept'));
      return Promise.resolve(page ? htmlResponse(200, renderApiRoot(site), { vary: 'Accept', method }) : undefined);
    },
  };
}
