/**
 * Request dispatch with Django + DRF's exact order of events, so errors come out the same:
 * URL resolution (404, or the APPEND_SLASH 301), then DRF's `initial()` (authentication and
 * IsAuthenticated, for every method, even unsupported ones), then the method (405), then the
 * handler. Anything unexpected becomes a logged 500 with no detail for the client.
 */
import type { TesseraContext } from './context.js';
import { TesseraError, TokenError, type Json } from '../errors.js';
import { authenticateAndReport, authenticateHeader, headerNameFromMetaKey } from '../auth/authenticate-request.js';
import { header, type HttpRequest, type HttpResponse } from './http-types.js';
import { negotiate } from '../drf/content-negotiation.js';
import { authenticateWithCookie } from './cookie-authentication.js';
import { appendSlashRedirect, errorResponse, jsonResponse, notFoundResponse } from './responses.js';
import { RefusalWithCookies, type Route } from './route.js';

/** Reports unexpected errors; never receives request bodies or headers. */
export type ErrorReporter = (error: unknown, where: { method: string; path: string }) => void;

/** DRF lists allowed methods in `http_method_names` order. */
const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

const RENDERS: Json = ['application/json', 'text/html'];
const PARSES: Json = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];

export type RequestDispatcher = (request: HttpRequest) => Promise<HttpResponse>;

export function createRouter(context: TesseraContext, routes: readonly Route[], reportError: ErrorReporter): RequestDispatcher {
  const byPath = new Map(routes.map((route) => [route.path, route]));
  const allowByPath = new Map(routes.map((route) => [route.path, allowedMethods(route)]));
  const tokenHeader = headerNameFromMetaKey(context.settings.AUTH_HEADER_NAME);
  const authHeaderType = context.settings.AUTH_HEADER_TYPES[0] ?? 'Bearer';

  return async function dispatch(request: HttpRequest): Promise<HttpResponse> {
    const route = byPath.get(request.path);
    if (route === undefined) {
      return byPath.has(`${request.path}/`) ? appendSlashRedirect(`${request.path}/${request.search ?? ''}`) : notFoundResponse();
    }
    const allow = allowByPath.get(route.path) ?? '';
    // DRF negotiates before anything else in initial(), so a 406 comes even before a 401.
    const negotiated = negotiate(header(request, 'accept'));
    if (negotiated === undefined) return jsonResponse(406, { detail: 'Could not satisfy the request Accept header.' }, allow);
    const indent = negotiated.renderer === 'json' ? negotiated.indent : 0;
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
  };

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
  if (route.postFields !== undefined) {
    const fields: Record<string, Json> = {};
    for (const field of route.postFields) {
      fields[field.name] = { type: 'string', required: field.required, read_only: field.readOnly ?? false, label: fieldLabel(field.name) };
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
