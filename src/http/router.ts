/**
 * Request dispatch with Django + DRF's exact order of events, so errors come out the same:
 * URL resolution (404, or the APPEND_SLASH 301), then DRF's `initial()` (content negotiation,
 * authentication and IsAuthenticated, for every method, even unsupported ones), then the method
 * (405), then the handler. Anything unexpected becomes a logged 500 with no detail for the client.
 *
 * The JSON renderer is built in. A server may register the HTML renderer (the browsable API) and
 * pages at paths the API does not route (`RouterOptions`); `Accept` is negotiated once, and a
 * JSON request never reaches either.
 */
import type { TesseraContext } from './context.js';
import { TesseraError, TokenError, type Json } from '../errors.js';
import { authenticateAndReport, authenticateHeader, headerNameFromMetaKey } from '../auth/authenticate-request.js';
import { header, type HttpRequest, type HttpResponse } from './http-types.js';
import { negotiate } from '../drf/content-negotiation.js';
import { authenticateWithCookie } from './cookie-authentication.js';
import { appendSlashRedirect, errorResponse, jsonResponse, notFoundResponse, SECURITY_HEADERS } from './responses.js';
import { RefusalWithCookies, type Route } from './route.js';

/** Reports unexpected errors; never receives request bodies or headers. */
export type ErrorReporter = (error: unknown, where: { method: string; path: string }) => void;

/** DRF lists allowed methods in `http_method_names` order. */
const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

const RENDERS: Json = ['application/json', 'text/html'];
const PARSES: Json = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];

export type RequestDispatcher = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * DRF's second renderer, `text/html`: the browsable API. Called for a request to an API route
 * whose `Accept` the negotiation gave to HTML; `json()` answers the same request as the API
 * would (a form posted without JavaScript shows that answer in its page). `undefined` leaves the
 * request to the JSON renderer, as DRF does for what its HTML renderer cannot show.
 */
export interface HtmlRenderer {
  render(request: HttpRequest, route: Route, json: () => Promise<HttpResponse>): Promise<HttpResponse | undefined>;
}

export interface RouterOptions {
  /** The browsable API (the bundled server's pages, or an adapter's `pages` option). */
  readonly html?: HtmlRenderer | undefined;
  /** Pages at paths no route has (assets, the OpenAPI document, the API root): asked before the 404 or 301. */
  readonly unrouted?: ((request: HttpRequest) => Promise<HttpResponse | undefined>) | undefined;
}

/**
 * Pages beside the API, as a server or an adapter mounts them: the router's renderers, and the
 * paths (exact, and by prefix) that must reach the router for them.
 */
export interface MountedPages extends RouterOptions {
  readonly paths: readonly string[];
  readonly prefixes: readonly string[];
}

/** The dispatcher over `routes` (apps get one from `tessera.dispatcher(...)`). @internal */
export function createRouter(
  context: TesseraContext,
  routes: readonly Route[],
  reportError: ErrorReporter,
  options: RouterOptions = {},
): RequestDispatcher {
  const { html, unrouted } = options;
  const byPath = new Map(routes.map((route) => [route.path, route]));
  const allowByPath = new Map(routes.map((route) => [route.path, allowedMethods(route)]));
  const tokenHeader = headerNameFromMetaKey(context.settings.AUTH_HEADER_NAME);
  const authHeaderType = context.settings.AUTH_HEADER_TYPES[0] ?? 'Bearer';

  return async function dispatch(request: HttpRequest): Promise<HttpResponse> {
    const route = byPath.get(request.path);
    if (route === undefined) {
      const page = unrouted === undefined ? undefined : await unrouted(request);
      if (page !== undefined) return page;
      return byPath.has(`${request.path}/`) ? appendSlashRedirect(`${request.path}/${request.search ?? ''}`) : notFoundResponse();
    }
    const plainGet = route.plain === true && (request.method === 'GET' || request.method === 'HEAD');
    if (plainGet && html === undefined) return plainAnswer(request, route);
    // DRF negotiates before anything else in initial(), so a 406 comes even before a 401.
    const negotiated = negotiate(header(request, 'accept'));
    if (negotiated?.renderer === 'html' && html !== undefined) {
      const page = await html.render(request, route, () => apiAnswer(request, route, 0));
      if (page !== undefined) return page;
    }
    if (plainGet) return plainAnswer(request, route);
    if (negotiated === undefined) {
      return jsonResponse(406, { detail: 'Could not satisfy the request Accept header.' }, allowByPath.get(route.path) ?? '');
    }
    return apiAnswer(request, route, negotiated.renderer === 'json' ? negotiated.indent : 0);
  };

  /** The JSON answer: authentication, the method, the handler (`indent`: DRF's `; indent=N`). */
  async function apiAnswer(request: HttpRequest, route: Route, indent: number): Promise<HttpResponse> {
    const allow = allowByPath.get(route.path) ?? '';
    try {
      // The header, else (cookie mode) the access cookie, CSRF-checked: dj-rest-auth's JWTCookieAuthentication.
      const auth = route.authenticated
        ? await authenticateAndReport(
            context,
            header(request, tokenHeader),
            async () => (await authenticateWithCookie(context, request, tokenHeader, authenticateHeader, (found) => found.user.id))?.value,
          )
        : undefined;
      if (route.authenticated && auth === undefined) throw TesseraError.of('not_authenticated');

      const method = request.method === 'HEAD' && route.handlers.GET ? 'GET' : request.method;
      if (method === 'OPTIONS') return jsonResponse(200, optionsMetadata(route), allow, undefined, indent);
      const handler = method === 'GET' || method === 'POST' ? route.handlers[method] : undefined;
      if (handler === undefined) throw new TesseraError('method_not_allowed', { detail: `Method "${request.method}" not allowed.` });

      const result = await handler({ request, context, auth });
      const response = jsonResponse(result.status, result.body, allow, result.headers ?? {}, indent);
      if (result.setCookies !== undefined) response.setCookies = [...result.setCookies];
      if (request.method === 'HEAD') response.body = '';
      return response;
    } catch (error) {
      if (error instanceof RefusalWithCookies)
        return { ...refusal(error.error, request, allow, indent), setCookies: [...error.setCookies] };
      return refusal(error, request, allow, indent);
    }
  }

  /** A route that is no DRF view (the JWKS): the handler's body and headers, nothing else. */
  async function plainAnswer(request: HttpRequest, route: Route): Promise<HttpResponse> {
    const handler = route.handlers.GET;
    if (handler === undefined) return apiAnswer(request, route, 0);
    try {
      const result = await handler({ request, context, auth: undefined });
      const body = request.method === 'HEAD' || result.body === undefined ? '' : JSON.stringify(result.body);
      return { status: result.status, headers: { 'content-type': 'application/json', ...result.headers, ...SECURITY_HEADERS }, body };
    } catch (error) {
      return refusal(error, request, allowByPath.get(route.path) ?? '', 0);
    }
  }

  function refusal(error: unknown, request: HttpRequest, allow: string, indent: number): HttpResponse {
    if (error instanceof TokenError) return errorResponse(TesseraError.fromToken(error), allow, authHeaderType, indent);
    if (error instanceof TesseraError) return errorResponse(error, allow, authHeaderType, indent);
    reportError(error, { method: request.method, path: request.path });
    return errorResponse(TesseraError.of('internal_error'), allow, authHeaderType);
  }
}

function allowedMethods(route: Route): string {
  const methods = new Set<string>(Object.keys(route.handlers));
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return METHOD_ORDER.filter((method) => methods.has(method)).join(', ');
}

/** DRF's SimpleMetadata: name, description, renders, parses, and the POST fields when there is a serializer. */
function optionsMetadata(route: Route): Json {
  const metadata: Record<string, Json> = { name: route.name, description: route.description, renders: RENDERS, parses: PARSES };
  if (route.fields !== undefined && route.optionsActions !== false) {
    const fields: Record<string, Json> = {};
    for (const field of route.fields) {
      fields[field.name] = {
        type: 'string',
        required: field.required ?? true,
        read_only: field.readOnly ?? false,
        label: fieldLabel(field.name),
      };
    }
    metadata.actions = { POST: fields };
  }
  return metadata;
}

/** DRF's default label: `first_name` -> `First name`. */
function fieldLabel(name: string): string {
  const words = name.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
