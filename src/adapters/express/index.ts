/**
 * `tessera/express`: Tessera in your own Express 5 app. A router serves the token endpoints
 * (and registration); `authenticate(tessera)` protects any route and sets `req.user`.
 *
 * The router reads each request body itself, raw (`express.raw` for every content type, up to
 * MAX_BODY_BYTES), so Tessera's DRF-exact parsing and error messages apply. Mount it before
 * `express.json()` / `express.urlencoded()`. When a body parser has already consumed a request,
 * the router re-encodes what it left in `req.body` (JSON as JSON, forms as a URL-encoded form):
 * valid requests work the same, but malformed bodies get that parser's answer, not DRF's.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { HttpRequest, HttpResponse } from '../../http/http-types.js';
import type { Tessera } from '../../app/tessera.js';
import type { Claims } from '../../tokens/token-codec.js';
import type { TokenUser } from '../../auth/token-user.js';
import type { RequestUser } from '../../model/request-user.js';
import { authenticationRequest, continueAfter, send } from './exchange.js';
import {
  authenticateRequest,
  authenticateRequestStateless,
  bodyRefusal,
  corsPolicyOf,
  defaultErrorReporter,
  mountOf,
  firstHeader,
  tokenHeaderName,
  withMountedLocation,
  type AuthenticatedValues,
  type MountOptions,
  type StatelessValues,
} from '../shared.js';
import { mountedConsoleOf } from '../mounted-console.js';
import { contextOf } from '../../app/tessera-context.js';

export type { AuthenticatedValues, MountOptions, StatelessValues } from '../shared.js';
export { checkPermissions } from './permissions.js';
export * from '../permission-classes.js';
export type { RequestUser } from '../../model/request-user.js';
export type { TokenUser } from '../../auth/token-user.js';
export type { Claims } from '../../tokens/token-codec.js';

declare global {
  // Express's own extension point; `Express.User` is also what Passport's types use for `req.user`.
  // eslint-disable-next-line @typescript-eslint/no-namespace -- a global augmentation of Express's namespace must be one
  namespace Express {
    interface User extends RequestUser {}
    interface Request {
      /**
       * The user `authenticate(tessera)` found (without the password hash); absent on routes it
       * does not protect. Typed as optional, as Passport types it; the handlers after
       * `authenticate(tessera)` also get it, never undefined, as `res.locals.user`.
       *
       * @default undefined
       * @example
       * ```ts
       * app.get('/me/', authenticate(tessera), (req, res) => res.json({ email: req.user?.email }));
       * ```
       */
      user?: User;
      /**
       * The claims of the token `authenticate` or `authenticateStateless` accepted.
       *
       * @default undefined
       * @example
       * ```ts
       * const roles = req.tokenClaims?.roles; // a claim your customClaims hook added
       * ```
       */
      tokenClaims?: Claims;
      /**
       * The user `authenticateStateless(tessera)` built from the token alone.
       *
       * @default undefined
       * @example
       * ```ts
       * app.get('/me/', authenticateStateless(tessera), (req, res) => res.json({ id: req.tokenUser?.id }));
       * ```
       */
      tokenUser?: TokenUser;
    }
  }
}

const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/** A body another parser already turned into `req.body`, back into bytes Tessera can parse. */
function reencodedBody(parsed: unknown, contentType: string | undefined): { body: Buffer; contentType: string | undefined } {
  if (parsed === undefined) return { body: Buffer.alloc(0), contentType };
  if (Buffer.isBuffer(parsed)) return { body: parsed, contentType };
  if (typeof parsed === 'string') return { body: Buffer.from(parsed, 'utf8'), contentType };
  if (FORM_TYPES.test(contentType ?? '') && typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(parsed)) {
      for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') form.append(name, item);
    }
    return { body: Buffer.from(form.toString(), 'utf8'), contentType: 'application/x-www-form-urlencoded' };
  }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify returns undefined for some values, whatever its type says
  return { body: Buffer.from(JSON.stringify(parsed) ?? '', 'utf8'), contentType };
}

/** Options of {@link tesseraRouter}. */
export type TesseraRouterOptions = MountOptions;

/**
 * An Express router serving the token endpoints under `prefix` and registration under
 * `accountsPrefix`. Mount it with `app.use(...)`, at the root or under a path (`app.use('/v1',
 * ...)` serves `/v1/api/token/`); requests for other paths pass through untouched.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createTessera } from 'tessera';
 * import { authenticate, tesseraRouter } from 'tessera/express';
 *
 * const tessera = await createTessera();
 * const app = express();
 * app.use(tesseraRouter(tessera));
 * app.get('/protected/', authenticate(tessera), (req, res) => res.json({ hello: res.locals.user.username }));
 * app.listen(8000);
 * ```
 */
export function tesseraRouter(tessera: Tessera, options: TesseraRouterOptions = {}): Router {
  const reportError = options.reportError ?? defaultErrorReporter(tessera);
  const mount = mountOf(tessera, options, reportError);
  const { dispatch, prefixes } = mount;
  const paths = new Set(mount.paths);
  const adminConsole = mountedConsoleOf(tessera, options.adminConsole, reportError);
  // No inflation: Django reads bodies as sent, and a compressed body is no place to spend CPU.
  const readRawBody = express.raw({ type: () => true, limit: tessera.settings.MAX_BODY_BYTES, inflate: false });

  /** The request as Tessera reads it (path relative to the router's mount path), or the refusal of its body. */
  const readRequest = async (req: Request, res: Response): Promise<HttpRequest | HttpResponse> => {
    const refused = await new Promise<number | undefined>((done) =>
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Express's request is Node's IncomingMessage (its prototype is)
      readRawBody(req, res, (error?: unknown) => done(error === undefined ? undefined : statusOf(error))),
    );
    if (refused !== undefined) return bodyRefusal(refused);
    const { body, contentType } = reencodedBody(req.body as unknown, firstHeader(req.headers['content-type']));
    const queryAt = req.originalUrl.indexOf('?');
    return {
      method: req.method,
      path: req.path,
      search: queryAt < 0 ? '' : req.originalUrl.slice(queryAt),
      headers: { ...req.headers, 'content-type': contentType },
      body,
      ip: req.ip,
      secure: req.secure,
    };
  };

  const serve = async (req: Request, res: Response, answer: (request: HttpRequest) => Promise<HttpResponse>): Promise<void> => {
    const request = await readRequest(req, res);
    send(res, 'status' in request ? request : await answer(request));
  };

  const router = express.Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (paths.has(req.path) || prefixes.some((prefix) => req.path.startsWith(prefix))) {
      serve(req, res, async (request) => withMountedLocation(await dispatch(request), req.baseUrl)).catch(next);
    } else if (adminConsole?.owns(req.path) === true) {
      serve(req, res, (request) => adminConsole.answer(request, req.baseUrl)).catch(next);
    } else {
      next();
    }
  });
  return router;
}

/** A body-reading error's HTTP status (body-parser sets `status`), 400 when it has none. */
function statusOf(error: unknown): number {
  const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
  return typeof status === 'number' ? status : 400;
}

/**
 * What {@link authenticate} puts in `res.locals`, typed for the handlers after it on the same
 * route (Express infers a route's `Locals` from its first handler).
 */
export type TesseraLocals = AuthenticatedValues;

/** What {@link authenticateStateless} puts in `res.locals`. */
export type TesseraStatelessLocals = StatelessValues;

/**
 * Express's handler type with `res.locals` typed as `Locals`; everything else is Express's
 * default (`any` bodies, as Express types them), so the route's own handlers keep their types.
 */
export type AuthenticatingHandler<Locals extends Record<string, unknown>> = RequestHandler<
  Request['params'],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Express's own default for the response body
  any,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Express's own default for the request body
  any,
  Request['query'],
  Locals
>;

/**
 * Middleware that requires a valid access token (AUTH_HEADER_NAME, `Authorization: Bearer
 * <token>` by default) for an active user, then sets `res.locals.user` and
 * `res.locals.tokenClaims` (typed for the route's next handlers), and `req.user` /
 * `req.tokenClaims` as Passport-style code expects. Otherwise it answers as simplejwt does: 401
 * with `WWW-Authenticate` and DRF's body.
 *
 * @example
 * ```ts
 * app.get('/protected/', authenticate(tessera), (req, res) => {
 *   res.json({ content: `Hello, ${res.locals.user.username}` });
 * });
 * ```
 */
export function authenticate(tessera: Tessera): AuthenticatingHandler<TesseraLocals> {
  const context = contextOf(tessera);
  const headerName = tokenHeaderName(context);
  return (req, res, next) => {
    continueAfter(
      authenticateRequest(context, firstHeader(req.headers[headerName]), authenticationRequest(req)),
      res,
      next,
      ({ value }) => {
        req.user = value.user;
        req.tokenClaims = value.claims;
        res.locals.user = value.user;
        res.locals.tokenClaims = value.claims;
      },
    );
  };
}

/**
 * Like {@link authenticate}, but builds a `TokenUser` from the token alone (no database lookup,
 * simplejwt's `JWTStatelessUserAuthentication`) and sets `res.locals.tokenUser` and
 * `res.locals.tokenClaims` (and `req.tokenUser`, `req.tokenClaims`).
 *
 * @example
 * ```ts
 * app.get('/me/', authenticateStateless(tessera), (req, res) => res.json({ id: res.locals.tokenUser.id }));
 * ```
 */
export function authenticateStateless(tessera: Tessera): AuthenticatingHandler<TesseraStatelessLocals> {
  const context = contextOf(tessera);
  const headerName = tokenHeaderName(context);
  return (req, res, next) => {
    const decision = authenticateRequestStateless(context, firstHeader(req.headers[headerName]), authenticationRequest(req));
    continueAfter(decision, res, next, ({ value }) => {
      req.tokenUser = value;
      req.tokenClaims = value.claims;
      res.locals.tokenUser = value;
      res.locals.tokenClaims = value.claims;
    });
  };
}

/**
 * CORS for the whole app, from Tessera's CORS_* settings (django-cors-headers' names): answers
 * preflights and adds `Access-Control-Allow-*` for allowed origins. Nothing is allowed until
 * CORS_ALLOWED_ORIGINS lists an origin. Mount it first, before the routes it covers.
 *
 * @example
 * ```ts
 * // TESSERA_CORS_ALLOWED_ORIGINS=https://app.example.com TESSERA_CORS_ALLOW_CREDENTIALS=true
 * app.use(tesseraCors(tessera));
 * app.use(tesseraRouter(tessera));
 * ```
 */
export function tesseraCors(tessera: Tessera): RequestHandler {
  const policy = corsPolicyOf(tessera);
  return (req, res, next) => {
    if (policy === undefined) {
      next();
      return;
    }
    const preflight = policy.preflight(req);
    if (preflight !== undefined) {
      send(res, preflight);
      return;
    }
    for (const [name, value] of Object.entries(policy.responseHeaders(req))) {
      if (name === 'vary') res.vary(value);
      else res.setHeader(name, value);
    }
    next();
  };
}
