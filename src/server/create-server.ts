/**
 * The bundled server: Fastify in front of Tessera's framework-neutral router, serving the
 * tutorials' API (token endpoints, registration, `/protected/`, `/hello/`).
 *
 * Fastify's own body parsing is replaced by one raw-buffer parser so that every body, of any
 * content type, reaches DRF's parsing rules (`http/body.ts`) and its exact error messages.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { HttpRequest } from '../http/http-types.js';
import type { Tessera } from '../tessera.js';

export interface ServerOptions {
  /** Log level for the server's own messages. Request lines are not logged. @default 'info' */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export function createServer(tessera: Tessera, options: ServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: { level: options.logLevel ?? 'info' },
    // Request lines would carry URLs (and, for careless clients, tokens in query strings).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: tessera.settings.MAX_BODY_BYTES,
    // The client address throttles count by: only proxies named in TRUST_PROXY are believed.
    trustProxy: fastifyTrustProxy(tessera.settings.TRUST_PROXY),
    // Django serves /api/token and /api/token/ differently (a 301); so must we.
    routerOptions: { ignoreTrailingSlash: false },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const dispatch = tessera.dispatcher({ demoViews: true }, (error, where) => {
    app.log.error({ err: error, method: where.method, path: where.path }, 'unexpected error while handling a request');
  });

  app.route({
    method: [...ALL_METHODS],
    url: '/*',
    handler: async (request, reply) => {
      const queryAt = request.url.indexOf('?');
      const httpRequest: HttpRequest = {
        method: request.method,
        path: queryAt < 0 ? request.url : request.url.slice(0, queryAt),
        search: queryAt < 0 ? '' : request.url.slice(queryAt),
        headers: request.headers,
        body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        ip: request.ip,
      };
      const response = await dispatch(httpRequest);
      // A Buffer, so Fastify sends the Content-Type as given (DRF's has no charset parameter).
      reply.code(response.status).headers(response.headers);
      // Nothing at all for an empty body: Fastify would otherwise add a Content-Type.
      return response.body === '' ? reply.send() : reply.send(Buffer.from(response.body, 'utf8'));
    },
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string }, _request, reply) => {
    // Fastify's own refusals (body too large, bad framing) keep their 4xx, in DRF's shape.
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) app.log.error({ err: error }, 'unexpected error');
    const detail = status === 413 ? 'Request body is too large.' : status === 500 ? 'A server error occurred.' : 'Malformed request.';
    return reply.code(status).header('content-type', 'application/json').send(Buffer.from(JSON.stringify({ detail })));
  });

  return app;
}

/** TRUST_PROXY in Fastify's terms; a hop count becomes "trust the nearest N hops". */
function fastifyTrustProxy(setting: boolean | number | string): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}
