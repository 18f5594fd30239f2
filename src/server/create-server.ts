/**
 * The bundled server: Fastify in front of Tessera's framework-neutral router, serving the
 * tutorials' API (token endpoints, registration, `/protected/`, `/hello/`), and with it the pages
 * people use (`pages/`), registered with the router: the browsable API (the HTML renderer its
 * content negotiation picks), the admin console at `/admin/`, the OpenAPI document at
 * `/api/schema/` and its reference at `/api/docs/`. JSON requests never reach the pages.
 *
 * Fastify's own body parsing is replaced by one raw-buffer parser so that every body, of any
 * content type, reaches DRF's parsing rules (`drf/body.ts`) and its exact error messages.
 */
import { METHODS, type IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { requestLine } from '../observability/request-log.js';
import type { LogLevel } from '../config/settings.js';
import { corsPolicy, withCorsHeaders } from '../http/cors.js';
import type { HttpRequest, HttpResponse } from '../http/http-types.js';
import { installDirectPath, writeAnswer } from './direct-path.js';
import { createPages } from './pages/create-pages.js';
import { headerNameFromMetaKey } from '../auth/authenticate-request.js';
import type { RouteOptions, Tessera } from '../app/tessera.js';
import { answerThenLinger, applyConnectionLimits, httpServerOptions } from './connection-limits.js';
import { registerProbes } from './probes.js';
import { requestIdGenerator, routeLabeller, serverLogger } from './server-observability.js';
import { ERRORS } from '../errors.js';

export interface ServerOptions {
  /** Log level for the server's own messages. Request lines are not logged. @default LOG_LEVEL */
  logLevel?: LogLevel;
  /** The pino logger to write through (pass the one Tessera logs through). @default one from LOG_LEVEL and LOG_FORMAT */
  logger?: PinoLogger;
}

/**
 * Every method Node's HTTP parser accepts reaches the router, which answers DRF's 405 for the
 * ones a view lacks (PURGE, PROPFIND, ...), not Fastify's 404.
 */
function registerAllMethods(app: FastifyInstance): void {
  for (const method of METHODS) {
    if (!app.supportedMethods.includes(method)) app.addHttpMethod(method, { hasBody: true });
  }
}

/**
 * Requests Node's HTTP parser rejects before any route runs (a method it does not know, broken
 * framing, oversized headers) still get a DRF-shaped JSON answer, then the connection closes.
 */
function answerUnparsableRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) return;
  const [status, reason] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const body = JSON.stringify({ detail: ERRORS[status === 431 ? 'headers_too_large' : 'parse_error'].detail });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The headers as the client sent them, restored in place in one pass over the raw headers: the
 * original Content-Type (the onRequest hook showed Fastify a neutral one), and repeated token
 * headers joined.
 *
 * Node keeps only the first of repeated `Authorization` headers; Django (under gunicorn) sees
 * them joined with commas, so simplejwt answers "must contain two space-delimited values".
 * Joining them the same way keeps that answer and refuses the ambiguity.
 *
 * The Content-Type used to travel through a WeakMap keyed by the request (set in the hook, read
 * here): two hash-table operations per request for what the raw headers already hold.
 */
function restoreClientHeaders(headers: IncomingHttpHeaders, rawHeaders: readonly string[], tokenHeader: string): IncomingHttpHeaders {
  let contentType: string | undefined;
  let tokenValues: string[] | undefined;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] ?? '';
    // Node keeps the first Content-Type of several, as here.
    if (contentType === undefined && name.length === 12 && name.toLowerCase() === 'content-type') contentType = rawHeaders[index + 1] ?? '';
    else if (name.length === tokenHeader.length && name.toLowerCase() === tokenHeader)
      (tokenValues ??= []).push(rawHeaders[index + 1] ?? '');
  }
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (tokenValues !== undefined && tokenValues.length > 1) headers[tokenHeader] = tokenValues.join(',');
  return headers;
}

/** The bundled server compiles no JSON schemas (see `schemaController` below). */
function noSchemas(): never {
  throw new Error('the bundled server has no JSON schema compiler: its routes take no schema');
}

export function createServer(tessera: Tessera, options: ServerOptions = {}): FastifyInstance {
  // Typed as Fastify's base logger so the instance keeps Fastify's default logger type.
  const logger: FastifyBaseLogger = options.logger ?? serverLogger(tessera, options.logLevel);
  const app = Fastify({
    loggerInstance: logger,
    // Every line logged while answering carries the request's id (docs/operations.md).
    genReqId: requestIdGenerator(tessera),
    // Fastify's request lines would carry URLs (and, for careless clients, tokens in query
    // strings): off; LOG_REQUESTS writes Tessera's own (observability/request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request: nothing logs through request.log, and creating one (pino
    // serialises its bindings) showed in every request's profile (docs/decisions.md D15).
    childLoggerFactory: (logger) => logger,
    bodyLimit: tessera.settings.MAX_BODY_BYTES,
    // The client address throttles count by: only proxies named in TRUST_PROXY are believed.
    trustProxy: fastifyTrustProxy(tessera.settings.TRUST_PROXY),
    // Django serves /api/token and /api/token/ differently (a 301); so must we.
    routerOptions: { ignoreTrailingSlash: false },
    clientErrorHandler: answerUnparsableRequest,
    // REQUEST_TIMEOUT, KEEP_ALIVE_TIMEOUT, MAX_CONNECTIONS: connection-limits.ts.
    http: httpServerOptions(tessera.settings),
    requestTimeout: httpServerOptions(tessera.settings).requestTimeout ?? 0,
    keepAliveTimeout: httpServerOptions(tessera.settings).keepAliveTimeout ?? 5000,
    // No route here has a JSON schema: without these, Fastify loads Ajv and fast-json-stringify's
    // compilers at start-up anyway, ~8% of `tessera serve`'s CPU before its first answer
    // (docs/decisions.md D21). A schema added later fails loudly at start instead of silently.
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
  });
  applyConnectionLimits(app.server, tessera.settings);
  if (tessera.settings.LOG_REQUESTS) {
    app.addHook('onResponse', (request, reply, done) => {
      app.log.info(requestLine(request.id, request.method, request.url, reply.statusCode, reply.elapsedTime), 'request');
      done();
    });
  }

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // Fastify refuses a Content-Type it cannot parse (`x`, `a b`) with its own 415 before any
  // route runs, where Django would still resolve the URL (404, 301) and authenticate (401)
  // first. So Fastify only ever sees a neutral type; the client's goes to DRF's rules intact.
  // The handler puts the client's back from the raw headers (restoreClientHeaders).
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers['content-type'] !== undefined) request.headers['content-type'] = 'application/octet-stream';
    done();
  });

  const routeOptions: RouteOptions = { demoViews: true };
  const reportError = (error: unknown, where: { method: string; path: string }): void => {
    app.log.error({ err: error, method: where.method, path: where.path }, 'unexpected error while handling a request');
  };
  const routes = tessera.routes(routeOptions);
  // The pages are registered with the router: the browsable API as its HTML renderer, the rest at
  // paths no route has. Accept is negotiated once, by the router.
  const pages = createPages(tessera, { routes, reportError });
  const dispatch = tessera.dispatcher(routeOptions, reportError, pages);
  const cors = corsPolicy(tessera.settings);

  registerAllMethods(app);
  registerProbes(app, tessera);
  const metrics = tessera.metrics;
  const routeLabel = routeLabeller(routes.map((route) => route.path));
  const tokenHeader = headerNameFromMetaKey(tessera.settings.AUTH_HEADER_NAME);
  /** CORS, the router, the metrics: what both paths (Fastify's route, the direct path) run. */
  const answer = async (httpRequest: HttpRequest, started: number): Promise<HttpResponse> => {
    // CORS preflights are answered before any page or route (django-cors-headers' middleware).
    const answered = cors?.preflight(httpRequest) ?? (await dispatch(httpRequest));
    const response = cors === undefined ? answered : withCorsHeaders(answered, cors.responseHeaders(httpRequest));
    if (metrics !== undefined) {
      const label = routeLabel(httpRequest.path, () => pages.servedByPage(answered));
      metrics.observeRequest(httpRequest.method, label, response.status, (performance.now() - started) / 1000);
    }
    return response;
  };
  app.route({
    method: app.supportedMethods,
    url: '/*',
    handler: async (request, reply) => {
      // From the request's arrival, as the direct path measures it: the metric then means the
      // same on both paths (Fastify's routing and body reading included).
      const started = performance.now() - reply.elapsedTime;
      const queryAt = request.url.indexOf('?');
      const httpRequest: HttpRequest = {
        method: request.method,
        path: queryAt < 0 ? request.url : request.url.slice(0, queryAt),
        search: queryAt < 0 ? '' : request.url.slice(queryAt),
        headers: restoreClientHeaders(request.headers, request.raw.rawHeaders, tokenHeader),
        body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        ip: request.ip,
        secure: request.protocol === 'https',
        requestId: request.id,
      };
      const response = await answer(httpRequest, started);
      // Written straight to Node's response, skipping Fastify's reply pipeline (~10% of a
      // protected request's cost, docs/decisions.md D7).
      reply.hijack();
      writeAnswer(reply.raw, response, request.method);
    },
  });
  // The API's plain requests skip Fastify altogether (direct-path.ts), unless there is a proxy
  // to believe: Fastify works out the client address then.
  if (tessera.settings.TRUST_PROXY === false) {
    let closing = false;
    app.addHook('preClose', (done) => {
      closing = true;
      done();
    });
    installDirectPath(app.server, {
      paths: new Set(routes.map((route) => route.path)),
      bodyLimit: tessera.settings.MAX_BODY_BYTES,
      requestId: requestIdGenerator(tessera),
      headers: (raw) => restoreClientHeaders(raw.headers, raw.rawHeaders, tokenHeader),
      answer,
      reportError,
      closing: () => closing,
      answered: tessera.settings.LOG_REQUESTS
        ? (id, method, url, status, ms) => app.log.info(requestLine(id, method, url, status, ms), 'request')
        : undefined,
    });
  }

  app.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
    // Fastify's own refusals (body too large, bad framing) keep their 4xx, in DRF's shape.
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) app.log.error({ err: error }, 'unexpected error');
    const detail = ERRORS[status === 413 ? 'payload_too_large' : status === 500 ? 'internal_error' : 'parse_error'].detail;
    if (status === 413) {
      reply.hijack();
      const headers = { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' };
      answerThenLinger(request.raw, 413, 'Payload Too Large', headers, JSON.stringify({ detail }));
      return;
    }
    return reply
      .code(status)
      .header('content-type', 'application/json')
      .send(Buffer.from(JSON.stringify({ detail })));
  });

  return app;
}

/** TRUST_PROXY in Fastify's terms; a hop count becomes "trust the nearest N hops". */
function fastifyTrustProxy(setting: boolean | number | string): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}
