/**
 * What the Fastify, Express and Hono adapters have in common: checking mount prefixes, turning
 * authentication outcomes into the bundled server's exact answers (via `errorResponse`), and
 * the default error reporter. Each adapter only translates between its framework and
 * `HttpRequest` / `HttpResponse`, so the three cannot behave differently.
 */
import type { TesseraContext } from '../http/context.js';
import { ConfigError, TesseraError, TokenError } from '../errors.js';
import type { HttpResponse } from '../http/http-types.js';
import { authenticateWithCookie, type AuthenticationRequest } from '../http/cookie-authentication.js';
import { corsPolicy, type CorsPolicy } from '../http/cors.js';
import { errorResponse, jsonResponse } from '../http/responses.js';
import type { ErrorReporter, RequestDispatcher } from '../http/router.js';
import type { PagesFactory } from '../server/pages/embedded.js';
import type { RouteOptions, Tessera } from '../app/tessera.js';
import {
  authenticateAndReport,
  authenticateHeader,
  headerNameFromMetaKey,
  type AuthenticatedRequest,
} from '../auth/authenticate-request.js';
import { authenticateStateless, type TokenUser } from '../auth/token-user.js';
import type { RequestUser } from '../model/request-user.js';
import type { Claims } from '../tokens/token-codec.js';

/** What authenticating a request gives the handlers after it (`c.get(...)`, `res.locals`, `request.*`). */
export type AuthenticatedValues = {
  /** The authenticated, active user, without the password hash. */
  user: RequestUser;
  /** The accepted access (or sliding) token's claims. */
  tokenClaims: Claims;
};

/** What authenticating a request statelessly (from the token alone) gives the handlers after it. */
export type StatelessValues = {
  /** The user the token describes (no database lookup). */
  tokenUser: TokenUser;
  /** The accepted access (or sliding) token's claims. */
  tokenClaims: Claims;
};

/** Where an adapter mounts Tessera's routes. */
export interface MountOptions {
  /**
   * Where the token endpoints live: `<prefix>`, `<prefix>refresh/`, `<prefix>verify/`,
   * `<prefix>blacklist/` (and `<prefix>sliding/...` when SlidingToken is enabled). Starts and
   * ends with `/`.
   *
   * @default '/api/token/'
   * @example
   * ```ts
   * { prefix: '/auth/jwt/' } // POST /auth/jwt/, /auth/jwt/refresh/, ...
   * ```
   */
  prefix?: string;
  /**
   * Where `register/` lives, or `false` to serve no registration endpoint. Starts and ends
   * with `/`.
   *
   * @default '/accounts/'
   * @example
   * ```ts
   * { accountsPrefix: false } // no POST /accounts/register/
   * ```
   */
  accountsPrefix?: string | false;
  /**
   * Receives unexpected errors (a database down, a bug) while a request is answered with a bare
   * 500. Never given request bodies or headers.
   *
   * @default Tessera's logger (`createTessera({ logger })`, JSON lines on stderr by default); the
   *   Fastify plugin uses the app's logger instead when it is on
   * @example
   * ```ts
   * { reportError: (error, { method, path }) => logger.error({ err: error, method, path }) }
   * ```
   */
  reportError?: ErrorReporter;
  /**
   * Where to serve the admin console (staff sign-in, users, tokens, the audit trail), or
   * `false` for none. Its links, redirects and cookies stay under this path, relative to where
   * the app mounts Tessera. Needs a store with an audit trail (the bundled SQLite and PostgreSQL
   * stores); see the adapter's docs (docs/adapters/).
   *
   * @default false
   * @example
   * ```ts
   * { adminConsole: '/admin/' } // GET /admin/ signs staff in, then lists users, tokens, the audit log
   * ```
   */
  adminConsole?: string | false;
  /**
   * Pages for browsers beside the API: the browsable API at the API's own URLs, the OpenAPI
   * document at `/api/schema/` and its reference at `/api/docs/` (`tesseraPages` from
   * `tessera/pages`). JSON clients get the same answers as without them.
   *
   * @default none: the JSON API only
   * @example
   * ```ts
   * import { tesseraPages } from 'tessera/pages';
   * { pages: tesseraPages() }
   * ```
   */
  pages?: PagesFactory;
}

export type { PagesFactory } from '../server/pages/embedded.js';

/** Characters a mount prefix may hold: no router syntax (`:`, `*`, `(`, `{`), no query. */
const PLAIN_PATH = /^\/(?:[A-Za-z0-9._~!$&'+,;=@-]+\/)*$/;

/** Checks a mount prefix; names the option in the error. */
export function checkedPrefix(option: string, value: string): string {
  if (!PLAIN_PATH.test(value)) {
    throw new ConfigError(option, `must start and end with '/' and hold only plain path segments (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** The dispatcher's route options for these mount options, with prefixes checked. */
export function routeOptionsOf(options: MountOptions): RouteOptions {
  const accountsPrefix = options.accountsPrefix ?? '/accounts/';
  return {
    tokenPrefix: checkedPrefix('prefix', options.prefix ?? '/api/token/'),
    accountsPrefix: accountsPrefix === false ? false : checkedPrefix('accountsPrefix', accountsPrefix),
    demoViews: false,
  };
}

/** What an adapter mounts: the dispatcher, and the paths (exact, and by prefix) to send to it. */
export interface Mount {
  readonly dispatch: RequestDispatcher;
  /**
   * Every route's path, the same without its final slash (so the dispatcher can answer Django's
   * APPEND_SLASH 301), and the pages' paths when there are pages.
   */
  readonly paths: readonly string[];
  /** Path prefixes to send to the dispatcher (the pages' assets); none without pages. */
  readonly prefixes: readonly string[];
}

/** The dispatcher for these mount options, with the pages when `options.pages` is given. */
export function mountOf(tessera: Tessera, options: MountOptions, reportError: ErrorReporter): Mount {
  const routeOptions = routeOptionsOf(options);
  const routes = tessera.routes(routeOptions);
  const pages = options.pages?.(tessera, routes, reportError);
  const routePaths = routes.map((route) => route.path);
  const withoutSlash = routePaths.map((path) => path.slice(0, -1)).filter((path) => path !== '' && !routePaths.includes(path));
  const pagePaths = (pages?.paths ?? []).filter((path) => !routePaths.includes(path) && !withoutSlash.includes(path));
  return {
    dispatch: tessera.dispatcher(routeOptions, reportError, pages),
    paths: [...routePaths, ...withoutSlash, ...pagePaths],
    prefixes: pages?.prefixes ?? [],
  };
}

/** Adds the mount point to a redirect's `Location`, which the dispatcher computes relative to it. */
export function withMountedLocation(response: HttpResponse, mountPath: string): HttpResponse {
  const location = response.headers.location;
  if (location === undefined || mountPath === '' || mountPath === '/') return response;
  return { ...response, headers: { ...response.headers, location: `${mountPath.replace(/\/$/, '')}${location}` } };
}

/**
 * The default reporter: Tessera's logger (the `logger` option of `createTessera`, JSON lines on
 * stderr by default), one line with the method, the path and the error, stack included. The
 * message names the hook when one of the app's hooks threw.
 */
export function defaultErrorReporter(tessera: Pick<Tessera, 'log'>): ErrorReporter {
  return (error, where) => {
    const reason = error instanceof Error ? error.message : String(error);
    tessera.log.error(`tessera: unexpected error while handling ${where.method} ${where.path}: ${reason}`, error);
  };
}

/** The lower-case HTTP header name AUTH_HEADER_NAME designates (`authorization` by default). @internal */
export function tokenHeaderName(context: TesseraContext): string {
  return headerNameFromMetaKey(context.settings.AUTH_HEADER_NAME);
}

/** The outcome of authenticating a request: a value for the handler, or the answer to send. */
export type AuthOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: TesseraError; readonly response: HttpResponse };

/**
 * An authentication error as the bundled server answers it on an authenticated view: DRF's
 * body, `WWW-Authenticate` on 401s, its `Vary` and security headers. The `Allow` header is
 * left out: only the app knows which methods its own route accepts.
 */
function refusal(error: TesseraError, context: TesseraContext): HttpResponse {
  return withoutAllow(errorResponse(error, '', context.settings.AUTH_HEADER_TYPES[0] ?? 'Bearer'));
}

function withoutAllow(response: HttpResponse): HttpResponse {
  const { allow: _allow, ...headers } = response.headers;
  return { ...response, headers };
}

function refused(error: TesseraError, context: TesseraContext): { ok: false; error: TesseraError; response: HttpResponse } {
  return { ok: false, error, response: refusal(error, context) };
}

async function authenticateWith<T>(
  context: TesseraContext,
  header: string | undefined,
  authenticate: (context: TesseraContext, header: string | undefined) => Promise<T | undefined>,
  cookies: { readonly request: AuthenticationRequest; readonly userIdOf: (value: T) => number | string } | undefined,
): Promise<AuthOutcome<T>> {
  try {
    // With the request, cookie mode's access cookie is accepted too (CSRF-checked); without it, the header only.
    const value =
      cookies === undefined
        ? await authenticateAndReport(context, header, authenticate)
        : await authenticateAndReport(
            context,
            header,
            async () =>
              (await authenticateWithCookie(context, cookies.request, tokenHeaderName(context), authenticate, cookies.userIdOf))?.value,
          );
    return value === undefined ? refused(TesseraError.of('not_authenticated'), context) : { ok: true, value };
  } catch (error) {
    // The same mapping as the dispatcher's; anything else is the framework's to handle (a 500).
    if (error instanceof TokenError) return refused(TesseraError.fromToken(error), context);
    if (error instanceof TesseraError) return refused(error, context);
    throw error;
  }
}

/**
 * `authenticateHeader` (user looked up in the store) with the dispatcher's error answers. With
 * `request` (its method, headers and whether it came over HTTPS), cookie mode's access cookie
 * is accepted when there is no token header, and unsafe methods must then pass the CSRF check.
 *
 * @example
 * ```ts
 * const outcome = await authenticateRequest(context, request.headers.authorization);
 * if (!outcome.ok) return send(outcome.response);
 * ```
 * @internal
 */
export function authenticateRequest(
  context: TesseraContext,
  header: string | undefined,
  request?: AuthenticationRequest,
): Promise<AuthOutcome<AuthenticatedRequest>> {
  return authenticateWith(
    context,
    header,
    authenticateHeader,
    request === undefined ? undefined : { request, userIdOf: (found) => found.user.id },
  );
}

/**
 * `authenticateStateless` (a `TokenUser` from the token alone) with the dispatcher's error answers.
 *
 * @example
 * ```ts
 * const outcome = await authenticateRequestStateless(context, request.headers.authorization);
 * ```
 * @internal
 */
export function authenticateRequestStateless(
  context: TesseraContext,
  header: string | undefined,
  request?: AuthenticationRequest,
): Promise<AuthOutcome<TokenUser>> {
  return authenticateWith(
    context,
    header,
    authenticateStateless,
    request === undefined ? undefined : { request, userIdOf: (user) => user.id },
  );
}

/**
 * DRF's answer when a permission check refuses a request (`APIView.permission_denied`), the
 * same in every adapter: when the request is not authenticated, 401 "Authentication credentials
 * were not provided." with `WWW-Authenticate`; otherwise 403
 * `{"detail":"You do not have permission to perform this action."}` (or the permission's own
 * `message`, as DRF permission classes may set one).
 *
 * @example
 * ```ts
 * if (!user.isStaff) return send(permissionRefusal(context, true)); // 403
 * ```
 * @internal
 */
export function permissionRefusal(context: TesseraContext, authenticated: boolean, message?: string): HttpResponse {
  return refusal(authenticated ? TesseraError.of('permission_denied', message) : TesseraError.of('not_authenticated'), context);
}

/**
 * A request body the framework refused before Tessera saw it (too large, cut off), in DRF's
 * shape: 413 `{"detail":"Request body is too large."}`, other 4xx `{"detail":"Malformed request."}`.
 */
export function bodyRefusal(status: number): HttpResponse {
  if (status === 413) return withoutAllow(jsonResponse(413, TesseraError.of('payload_too_large').body, ''));
  const clientError = status >= 400 && status < 500 ? status : 400;
  return withoutAllow(jsonResponse(clientError, TesseraError.of('parse_error').body, ''));
}

/** A failure Tessera did not expect (already reported), as the dispatcher answers it: a bare 500. */
export function serverErrorResponse(): HttpResponse {
  return withoutAllow(jsonResponse(500, TesseraError.of('internal_error').body, ''));
}

/** The first value of a header as node:http gives headers. */
export function firstHeader(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * The CORS policy of the Tessera's settings (CORS_ALLOWED_ORIGINS, ...), for an adapter's CORS
 * middleware; `undefined` when no origin is allowed (the middleware then does nothing).
 */
export function corsPolicyOf(tessera: Tessera): CorsPolicy | undefined {
  return corsPolicy(tessera.settings);
}

/** `Vary` values merged (case-insensitively, no duplicates): `Accept` + `Origin` is `Accept, Origin`. */
export function mergedVary(existing: string | undefined, added: string): string {
  if (existing === undefined || existing === '') return added;
  const present = new Set(existing.split(',').map((field) => field.trim().toLowerCase()));
  const missing = added
    .split(',')
    .map((field) => field.trim())
    .filter((field) => field !== '' && !present.has(field.toLowerCase()));
  return missing.length === 0 ? existing : `${existing}, ${missing.join(', ')}`;
}
