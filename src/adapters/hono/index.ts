/**
 * `tessera/hono`: Tessera in your own Hono 4 app. `tesseraRoutes(tessera)` is a Hono app with
 * the token endpoints (and registration) to `app.route(...)`; `authenticate(tessera)` protects
 * any route, after which `c.get('user')` is the user.
 *
 * Nothing here is Node-specific except the default client address (read from
 * `@hono/node-server`'s bindings when present): the routes run wherever Hono runs.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { routePath as matchedRoutePath } from 'hono/route';
import type { HttpRequest } from '../../http/http-types.js';
import type { Tessera } from '../../app/tessera.js';
import { authenticationRequest, toResponse } from './exchange.js';
import {
  authenticateRequest,
  authenticateRequestStateless,
  bodyRefusal,
  corsPolicyOf,
  defaultErrorReporter,
  mountOf,
  mergedVary,
  tokenHeaderName,
  withMountedLocation,
  type AuthenticatedValues,
  type MountOptions,
  type StatelessValues,
} from '../shared.js';
import { mountedConsoleOf } from '../mounted-console.js';
import { contextOf } from '../../app/tessera-context.js';

export type { AuthenticatedValues, MountOptions, StatelessValues } from '../shared.js';
export { checkPermissions, type TesseraPermissionVariables } from './permissions.js';
export * from '../permission-classes.js';
export type { RequestUser } from '../../model/request-user.js';
export type { TokenUser } from '../../auth/token-user.js';
export type { Claims } from '../../tokens/token-codec.js';

/** What {@link authenticate} puts in the context: `c.get('user')`, `c.get('tokenClaims')`. */
export type TesseraVariables = AuthenticatedValues;

/** What {@link authenticateStateless} puts in the context: `c.get('tokenUser')`, `c.get('tokenClaims')`. */
export type TesseraStatelessVariables = StatelessValues;

/** Options of {@link tesseraRoutes}. */
export interface TesseraRoutesOptions extends MountOptions {
  /**
   * The client's address, which login hooks receive (`onLoginSuccess`, `onLoginFailed`). Put
   * your proxy handling here (e.g. the last `X-Forwarded-For` hop your proxy appends).
   *
   * @default the socket's address under `@hono/node-server`, else `undefined`
   * @example
   * ```ts
   * { clientIp: (c) => c.req.header('cf-connecting-ip') }
   * ```
   */
  clientIp?: (c: Context) => string | undefined;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** A Hono request as Tessera reads it, its path relative to `mountPath` (where the app mounted the routes). */
async function httpRequestOf(c: Context, mountPath: string, clientIp: (c: Context) => string | undefined): Promise<HttpRequest> {
  const queryAt = c.req.url.indexOf('?');
  return {
    method: c.req.method,
    path: c.req.path.slice(mountPath.length),
    search: queryAt < 0 ? '' : c.req.url.slice(queryAt),
    headers: Object.fromEntries(c.req.raw.headers),
    body: Buffer.from(await c.req.arrayBuffer()),
    ip: clientIp(c),
    secure: new URL(c.req.url).protocol === 'https:',
  };
}

/** Where the app is mounted, from a request's full path and the pattern it matched (`/x/`, or a prefix's `/static/x/*`). */
function mountPathOf(fullPath: string, routePath: string): string {
  if (routePath.endsWith('*')) return fullPath.slice(0, Math.max(0, fullPath.indexOf(routePath.slice(0, -1))));
  const relative = fullPath.endsWith(routePath) ? routePath : routePath.replace(/\/$/, '');
  return fullPath.slice(0, fullPath.length - relative.length);
}

/** `@hono/node-server` passes `{ incoming, outgoing }` as the env; the socket knows the peer. */
function nodeServerIp(c: Context): string | undefined {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined;
  const incoming: unknown = env.incoming;
  if (typeof incoming !== 'object' || incoming === null || !('socket' in incoming)) return undefined;
  const socket: unknown = incoming.socket;
  if (typeof socket !== 'object' || socket === null || !('remoteAddress' in socket)) return undefined;
  return typeof socket.remoteAddress === 'string' ? socket.remoteAddress : undefined;
}

/**
 * A Hono app serving the token endpoints under `prefix` and registration under
 * `accountsPrefix`. Mount it with `app.route('/', ...)` (or under a path: `app.route('/v1',
 * ...)` serves `/v1/api/token/`).
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { serve } from '@hono/node-server';
 * import { createTessera } from 'tessera';
 * import { authenticate, tesseraRoutes } from 'tessera/hono';
 *
 * const tessera = await createTessera();
 * const app = new Hono();
 * app.route('/', tesseraRoutes(tessera));
 * app.get('/protected/', authenticate(tessera), (c) => c.json({ hello: c.get('user').username }));
 * serve({ fetch: app.fetch, port: 8000 });
 * ```
 */
export function tesseraRoutes(tessera: Tessera, options: TesseraRoutesOptions = {}): Hono {
  const reportError = options.reportError ?? defaultErrorReporter(tessera);
  const { dispatch, paths, prefixes } = mountOf(tessera, options, reportError);
  const clientIp = options.clientIp ?? nodeServerIp;
  const limit = bodyLimit({ maxSize: tessera.settings.MAX_BODY_BYTES, onError: () => toResponse(bodyRefusal(413)) });
  const app = new Hono();

  for (const routePath of [...paths, ...prefixes.map((prefix) => `${prefix}*`)]) {
    app.on(METHODS, routePath, limit, async (c) => {
      // The dispatcher sees paths relative to where the app is mounted, as it declared them.
      const fullPath = c.req.path;
      const mountPath = mountPathOf(fullPath, routePath);
      return toResponse(withMountedLocation(await dispatch(await httpRequestOf(c, mountPath, clientIp)), mountPath));
    });
  }

  const adminConsole = mountedConsoleOf(tessera, options.adminConsole, reportError);
  const consolePath = options.adminConsole;
  if (adminConsole !== undefined && typeof consolePath === 'string') {
    const wildcard = `${consolePath}*`;
    app.on(METHODS, [consolePath.slice(0, -1), wildcard], limit, async (c) => {
      // The route as registered, with the path the app mounted these routes at (`/v1/admin/*`).
      const registered = matchedRoutePath(c);
      const pattern = registered.endsWith(wildcard) ? wildcard : consolePath.slice(0, -1);
      const mountPath = registered.slice(0, registered.length - pattern.length);
      return toResponse(await adminConsole.answer(await httpRequestOf(c, mountPath, clientIp), mountPath));
    });
  }
  return app;
}

/**
 * Middleware that requires a valid access token (AUTH_HEADER_NAME, `Authorization: Bearer
 * <token>` by default) for an active user, then sets `c.get('user')` and `c.get('tokenClaims')`.
 * Otherwise it answers as simplejwt does: 401 with `WWW-Authenticate` and DRF's body.
 *
 * @example
 * ```ts
 * app.get('/protected/', authenticate(tessera), (c) => c.json({ content: `Hello, ${c.get('user').username}` }));
 * ```
 */
export function authenticate(tessera: Tessera): MiddlewareHandler<{ Variables: TesseraVariables }> {
  const context = contextOf(tessera);
  const headerName = tokenHeaderName(context);
  return async (c, next) => {
    const outcome = await authenticateRequest(context, c.req.header(headerName), authenticationRequest(c));
    if (!outcome.ok) return toResponse(outcome.response);
    c.set('user', outcome.value.user);
    c.set('tokenClaims', outcome.value.claims);
    await next();
    return undefined;
  };
}

/**
 * Like {@link authenticate}, but builds a `TokenUser` from the token alone (no database lookup,
 * simplejwt's `JWTStatelessUserAuthentication`): `c.get('tokenUser')`.
 *
 * @example
 * ```ts
 * app.get('/me/', authenticateStateless(tessera), (c) => c.json({ id: c.get('tokenUser').id }));
 * ```
 */
export function authenticateStateless(tessera: Tessera): MiddlewareHandler<{ Variables: TesseraStatelessVariables }> {
  const context = contextOf(tessera);
  const headerName = tokenHeaderName(context);
  return async (c, next) => {
    const outcome = await authenticateRequestStateless(context, c.req.header(headerName), authenticationRequest(c));
    if (!outcome.ok) return toResponse(outcome.response);
    c.set('tokenUser', outcome.value);
    c.set('tokenClaims', outcome.value.claims);
    await next();
    return undefined;
  };
}

/**
 * CORS for the whole app from Tessera's CORS_* settings (django-cors-headers' names): answers
 * preflights and adds `Access-Control-Allow-*` for allowed origins. Nothing is allowed until
 * CORS_ALLOWED_ORIGINS lists an origin.
 *
 * @example
 * ```ts
 * app.use('*', tesseraCors(tessera));
 * app.route('/', tesseraRoutes(tessera));
 * ```
 */
export function tesseraCors(tessera: Tessera): MiddlewareHandler {
  const policy = corsPolicyOf(tessera);
  return async (c, next) => {
    if (policy === undefined) return next();
    const request = { method: c.req.method, headers: Object.fromEntries(c.req.raw.headers) };
    const preflight = policy.preflight(request);
    if (preflight !== undefined) return toResponse(preflight);
    await next();
    for (const [name, value] of Object.entries(policy.responseHeaders(request))) {
      c.res.headers.set(name, name === 'vary' ? mergedVary(c.res.headers.get('vary') ?? undefined, value) : value);
    }
    return undefined;
  };
}
