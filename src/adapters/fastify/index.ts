/**
 * `tessera/fastify`: Tessera in your own Fastify 5 app. One plugin mounts the token endpoints
 * (and registration) and adds `app.authenticate`, a preHandler that puts the user on
 * `request.user`.
 *
 * The plugin is wrapped with fastify-plugin so that its decorators reach your whole app; the
 * mounted routes live in an encapsulated child context of their own, whose raw-buffer body
 * parser (every body goes to Tessera's DRF-exact parsing) and error handler do not touch your
 * routes, which keep Fastify's JSON parser.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { AuthenticationRequest } from '../../http/cookie-authentication.js';
import type { CorsPolicy } from '../../http/cors.js';
import type { HttpRequest, HttpResponse } from '../../http/http-types.js';
import type { ErrorReporter } from '../../http/router.js';
import type { Tessera } from '../../app/tessera.js';
import type { Claims } from '../../tokens/token-codec.js';
import type { TokenUser } from '../../auth/token-user.js';
import type { RequestUser } from '../../model/request-user.js';
import {
  authenticateRequest,
  authenticateRequestStateless,
  bodyRefusal,
  corsPolicyOf,
  defaultErrorReporter,
  mountOf,
  firstHeader,
  mergedVary,
  serverErrorResponse,
  tokenHeaderName,
  withMountedLocation,
  type MountOptions,
} from '../shared.js';
import { mountedConsoleOf } from '../mounted-console.js';
import { refusalToThrow, restoreDefaultRefusals } from './refusals.js';
import { decorateGuarded } from './request-slots.js';
import { decoratePermissionChecks } from './permissions.js';
import { contextOf } from '../../app/tessera-context.js';

export type { MountOptions } from '../shared.js';
export * from '../permission-classes.js';
export type { RequestUser } from '../../model/request-user.js';
export type { TokenUser } from '../../auth/token-user.js';
export type { Claims } from '../../tokens/token-codec.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * A preHandler that requires a valid access token (AUTH_HEADER_NAME, `Authorization:
     * Bearer <token>` by default) and an active user, then sets `request.user` and
     * `request.tokenClaims`. Otherwise it answers as simplejwt does (401 with
     * `WWW-Authenticate`).
     *
     * @example
     * ```ts
     * app.get('/protected/', { preHandler: app.authenticate }, async (request) => ({ user: request.user.username }));
     * ```
     */
    authenticate: preHandlerAsyncHookHandler;
    /**
     * Like `authenticate`, but builds a `TokenUser` from the token alone (no database lookup,
     * simplejwt's `JWTStatelessUserAuthentication`) and sets `request.tokenUser`.
     *
     * @example
     * ```ts
     * app.get('/me/', { preHandler: app.authenticateStateless }, async (request) => ({ id: request.tokenUser.id }));
     * ```
     */
    authenticateStateless: preHandlerAsyncHookHandler;
  }
  interface FastifyRequest {
    /**
     * The user `app.authenticate` found, without the password hash. Reading it on a route that
     * `app.authenticate` does not protect throws an error saying so (a 500, reported), so the
     * type never lies.
     *
     * @example
     * ```ts
     * app.get('/me/', { preHandler: app.authenticate }, async (request) => ({ email: request.user.email }));
     * ```
     */
    user: RequestUser;
    /**
     * The claims of the token `app.authenticate` or `app.authenticateStateless` accepted. Reading
     * it on a route neither protects throws an error saying so.
     *
     * @example
     * ```ts
     * const roles = request.tokenClaims.roles; // a claim your customClaims hook added
     * ```
     */
    tokenClaims: Claims;
    /**
     * The user `app.authenticateStateless` built from the token alone. Reading it on a route
     * `app.authenticateStateless` does not protect throws an error saying so.
     *
     * @example
     * ```ts
     * app.get('/me/', { preHandler: app.authenticateStateless }, async (request) => ({ id: request.tokenUser.id }));
     * ```
     */
    tokenUser: TokenUser;
  }
}

/** Options of {@link tesseraPlugin}. */
export interface TesseraPluginOptions extends MountOptions {
  /**
   * Answer CORS for the whole app from the CORS_* settings (django-cors-headers' names:
   * CORS_ALLOWED_ORIGINS, CORS_ALLOW_CREDENTIALS, ...). Nothing is allowed until
   * CORS_ALLOWED_ORIGINS lists an origin.
   *
   * @default false
   * @example
   * ```ts
   * await app.register(tesseraPlugin, { tessera, cors: true });
   * ```
   */
  cors?: boolean;
  /**
   * The Tessera instance to serve, from `createTessera()`. Required. The plugin does not close
   * it: close it after the app (`app.addHook('onClose', () => tessera.close())`).
   *
   * @example
   * ```ts
   * await app.register(tesseraPlugin, { tessera: await createTessera() });
   * ```
   */
  tessera: Tessera;
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Sends an `HttpResponse` exactly: a Buffer, so Fastify adds no charset; nothing at all for an empty body. */
function send(reply: FastifyReply, response: HttpResponse): FastifyReply {
  reply.code(response.status).headers(response.headers);
  if (response.setCookies !== undefined && response.setCookies.length > 0) reply.header('set-cookie', response.setCookies);
  return response.body === '' ? reply.send() : reply.send(Buffer.from(response.body, 'utf8'));
}

/** What authentication (cookie mode) reads of a Fastify request. */
function authenticationRequest(request: FastifyRequest): AuthenticationRequest {
  return { method: request.method, headers: request.headers, secure: request.protocol === 'https' };
}

/**
 * CORS for the whole app from Tessera's CORS_* settings: preflights answered before any route,
 * `Access-Control-Allow-*` added to every answer to an allowed origin.
 */
function addCorsHooks(app: FastifyInstance, policy: CorsPolicy): void {
  app.addHook('onRequest', async (request, reply) => {
    const preflight = policy.preflight(request);
    if (preflight !== undefined) return send(reply, preflight);
    return undefined;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(policy.responseHeaders(request))) {
      reply.header(
        name,
        name === 'vary' ? mergedVary(firstHeader(reply.getHeader('vary') as string | string[] | undefined), value) : value,
      );
    }
    return payload;
  });
}

function splitUrl(url: string): { path: string; search: string } {
  const queryAt = url.indexOf('?');
  return queryAt < 0 ? { path: url, search: '' } : { path: url.slice(0, queryAt), search: url.slice(queryAt) };
}

/** A Fastify request as Tessera reads it, its path relative to `mountPath` (the app's prefix for the plugin). */
function httpRequestOf(request: FastifyRequest, mountPath: string): HttpRequest {
  const { path: fullPath, search } = splitUrl(request.url);
  return {
    method: request.method,
    path: fullPath.startsWith(mountPath) ? fullPath.slice(mountPath.length) : fullPath,
    search,
    headers: request.headers,
    body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    ip: request.ip,
    secure: request.protocol === 'https',
  };
}

/** Where the guarded request properties keep their values (one symbol each, never enumerable JSON). */
/** Whether the app's logger writes errors: plain `Fastify()` has a logger that writes nothing. */
function logsErrors(app: FastifyInstance): boolean {
  // pino's `isLevelEnabled`; Fastify's types only promise the level methods.
  const log: object = app.log;
  return 'isLevelEnabled' in log && typeof log.isLevelEnabled === 'function' && log.isLevelEnabled.call(app.log, 'error') === true;
}

function fastifyLogReporter(app: FastifyInstance): ErrorReporter {
  return (error, where) => {
    const reason = error instanceof Error ? error.message : String(error);
    app.log.error(
      { err: error, method: where.method, path: where.path },
      `tessera: unexpected error while handling ${where.method} ${where.path}: ${reason}`,
    );
  };
}

const plugin: FastifyPluginAsync<TesseraPluginOptions> = async (app, options) => {
  const { tessera } = options;
  const reportError: ErrorReporter = options.reportError ?? (logsErrors(app) ? fastifyLogReporter(app) : defaultErrorReporter(tessera));
  const mount = mountOf(tessera, options, reportError);
  const { dispatch } = mount;
  const context = contextOf(tessera);
  const headerName = tokenHeaderName(context);

  const cors = options.cors === true ? corsPolicyOf(tessera) : undefined;
  if (cors !== undefined) addCorsHooks(app, cors);

  decorateGuarded(app, 'user', 'app.authenticate or app.checkPermissions');
  decorateGuarded(app, 'tokenClaims', 'app.authenticate, app.authenticateStateless or app.checkPermissions');
  decorateGuarded(app, 'tokenUser', 'app.authenticateStateless');

  // Unexpected failures (a database down) go to the app's error handling as thrown errors; with
  // plain `Fastify()` nothing would log them, so they are reported here first.
  const reportUnlogged = (error: unknown, request: FastifyRequest): never => {
    if (!logsErrors(app)) reportError(error, { method: request.method, path: splitUrl(request.url).path });
    throw error;
  };
  restoreDefaultRefusals(app);

  app.decorate('authenticate', async (request: FastifyRequest) => {
    const outcome = await authenticateRequest(context, firstHeader(request.headers[headerName]), authenticationRequest(request)).catch(
      (error: unknown) => reportUnlogged(error, request),
    );
    if (!outcome.ok) throw refusalToThrow(request, outcome.error, outcome.response);
    request.user = outcome.value.user;
    request.tokenClaims = outcome.value.claims;
  });

  decoratePermissionChecks(app, tessera, (request) => ({
    header: firstHeader(request.headers[headerName]),
    request: authenticationRequest(request),
    reportUnlogged: (error) => reportUnlogged(error, request),
  }));

  app.decorate('authenticateStateless', async (request: FastifyRequest) => {
    const outcome = await authenticateRequestStateless(
      context,
      firstHeader(request.headers[headerName]),
      authenticationRequest(request),
    ).catch((error: unknown) => reportUnlogged(error, request));
    if (!outcome.ok) throw refusalToThrow(request, outcome.error, outcome.response);
    request.tokenUser = outcome.value;
    request.tokenClaims = outcome.value.claims;
  });

  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify waits for an async plugin's promise; a sync one would need `done`
  await app.register(async (routes) => {
    const bodyLimit = tessera.settings.MAX_BODY_BYTES;
    // The app's own prefix when this plugin is registered inside a prefixed plugin ('/v1').
    const mountPath = routes.prefix;
    routes.removeAllContentTypeParsers();
    routes.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

    routes.setErrorHandler((error: { statusCode?: number }, request, reply) => {
      // Fastify's own refusals (body too large, cut off) keep their 4xx, in DRF's shape.
      const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
      if (status >= 400 && status < 500) return send(reply, bodyRefusal(status));
      reportError(error, { method: request.method, path: splitUrl(request.url).path });
      return send(reply, serverErrorResponse());
    });

    for (const path of [...mount.paths, ...mount.prefixes.map((prefix) => `${prefix}*`)]) {
      // An app with ignoreTrailingSlash already routes the slashless form to the slashed route.
      if (!path.endsWith('/') && !path.endsWith('*') && routes.hasRoute({ method: 'POST', url: path })) continue;
      routes.route({
        method: [...ALL_METHODS],
        url: path,
        bodyLimit,
        handler: async (request, reply) => send(reply, withMountedLocation(await dispatch(httpRequestOf(request, mountPath)), mountPath)),
      });
    }

    const adminConsole = mountedConsoleOf(tessera, options.adminConsole, reportError);
    const consolePath = options.adminConsole;
    if (adminConsole !== undefined && typeof consolePath === 'string') {
      const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
        send(reply, await adminConsole.answer(httpRequestOf(request, mountPath), mountPath));
      for (const url of [consolePath.slice(0, -1), `${consolePath}*`]) {
        routes.route({ method: [...ALL_METHODS], url, bodyLimit, handler });
      }
    }
  });
};

/**
 * The Fastify plugin: mounts the token endpoints under `prefix` and registration under
 * `accountsPrefix`, and decorates the app with `authenticate` / `authenticateStateless`
 * preHandlers and the request with `user`, `tokenClaims` and `tokenUser`.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createTessera } from 'tessera';
 * import { tesseraPlugin } from 'tessera/fastify';
 *
 * const app = Fastify();
 * await app.register(tesseraPlugin, { tessera: await createTessera() });
 * app.get('/protected/', { preHandler: app.authenticate }, async (request) => ({ hello: request.user.username }));
 * await app.listen({ port: 8000 });
 * ```
 */
export const tesseraPlugin = fp(plugin, { fastify: '5.x', name: 'tessera' });
