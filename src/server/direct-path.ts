/**
 * The API's plain requests answered straight from Node's `request` event, Fastify left out: a
 * GET without a body or a POST with a Content-Length, to exactly the path of an API route (no
 * query string). Fastify's part in them was routing every path to the one catch-all route,
 * running the hooks and collecting the body; under `node --cpu-prof` that was ~10% of a verify
 * request's CPU, and callgrind counted it per request (docs/decisions.md D25).
 *
 * Everything else goes to Fastify as before (other methods, query strings, chunked or oversized
 * bodies, pages, probes, a server that is closing), and so does everything when TRUST_PROXY is
 * set (Fastify works out the client address from the proxy's headers). Both paths build the same
 * `HttpRequest` and write the answer with the same {@link writeAnswer}, so the bytes on the wire
 * are the same (test/parity runs over real HTTP, through this path; `app.inject` goes through
 * Fastify's).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { HttpRequest, HttpResponse } from '../http/http-types.js';
import { ERRORS } from '../errors.js';

/** What the direct path needs from the server it sits in. */
export interface DirectPathOptions {
  /** Paths answered directly: the API routes' paths. */
  readonly paths: ReadonlySet<string>;
  /** MAX_BYTES of a body: a longer Content-Length goes to Fastify, which refuses it (413). */
  readonly bodyLimit: number;
  /** The request id of a request (Fastify's `genReqId`). */
  readonly requestId: (request: IncomingMessage) => string;
  /** The headers as the client sent them (repeated token headers joined). */
  readonly headers: (request: IncomingMessage) => HttpRequest['headers'];
  /** Answers a request (CORS, the router, the metrics): the same function Fastify's route calls. */
  readonly answer: (request: HttpRequest, started: number) => Promise<HttpResponse>;
  /** True once the server is closing: Fastify then answers (Connection: close, 503). */
  readonly closing: () => boolean;
  /** Reports an error that escaped `answer` (a bug: the router turns every refusal into an answer). */
  readonly reportError: (error: unknown, where: { method: string; path: string }) => void;
  /** Called once an answer is written (LOG_REQUESTS' line, as Fastify's onResponse hook writes it). */
  readonly answered?: ((requestId: string, method: string, url: string, status: number, elapsedMs: number) => void) | undefined;
}

/**
 * Writes an answer to Node's response: the headers are complete and final (DRF's exact
 * Content-Type, no charset added), one `writeHead` and one `end`. The headers go to Node as a
 * flat list (`[name, value, ...]`), not a copy of the object with Content-Length added (a
 * spread into a new object per answer, which Node then walked with `for...in`): same lines,
 * same order. Content-Length is the body's, in the header's place when the answer named one
 * (CORS preflights), Set-Cookie one line per cookie.
 */
export function writeAnswer(raw: ServerResponse, response: HttpResponse, method: string): void {
  const body = response.body === '' || method === 'HEAD' ? '' : response.body;
  const length = String(Buffer.byteLength(response.body));
  const headers: (string | string[])[] = [];
  let lengthWritten = false;
  for (const name in response.headers) {
    if (name === 'content-length') lengthWritten = true;
    headers.push(name, lengthWritten && name === 'content-length' ? length : (response.headers[name] ?? ''));
  }
  if (!lengthWritten) headers.push('content-length', length);
  // Every cookie under one name: once a header was set on the response (light-my-request,
  // Fastify's inject, does), Node 20's writeHead applies a flat list with setHeader, so a
  // repeated name would keep only its last cookie.
  const cookies = response.setCookies ?? [];
  if (cookies.length > 0) headers.push('set-cookie', [...cookies]);
  raw.writeHead(response.status, headers);
  raw.end(body);
}

/** Whether the direct path takes this request (else Fastify does). */
function takes(request: IncomingMessage, options: DirectPathOptions): boolean {
  const url = request.url ?? '';
  if (!options.paths.has(url) || options.closing()) return false;
  const headers = request.headers;
  if (headers['transfer-encoding'] !== undefined) return false;
  const length = headers['content-length'];
  if (request.method === 'GET') return length === undefined;
  if (request.method !== 'POST' || length === undefined) return false;
  // Node has already refused a malformed Content-Length; a body over the limit is Fastify's 413.
  return Number(length) <= options.bodyLimit;
}

/**
 * Puts the direct path in front of Fastify's handler on `server` (the one Fastify created).
 * Call once, before the server listens.
 */
export function installDirectPath(server: Server, options: DirectPathOptions): void {
  const fastifyHandlers = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  const fastify = fastifyHandlers[0];
  if (fastifyHandlers.length !== 1 || fastify === undefined) throw new Error('expected Fastify as the one request listener');
  server.removeListener('request', fastify);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (takes(request, options)) answerDirectly(request, response, options);
    else fastify(request, response);
  });
}

function answerDirectly(raw: IncomingMessage, response: ServerResponse, options: DirectPathOptions): void {
  const started = performance.now();
  const method = raw.method ?? 'GET';
  const respond = (body: Buffer): void => {
    const requestId = options.requestId(raw);
    const write = (answer: HttpResponse): void => {
      writeAnswer(response, answer, method);
      options.answered?.(requestId, method, request.path, answer.status, performance.now() - started);
    };
    const request: HttpRequest = {
      method,
      path: raw.url ?? '',
      search: '',
      headers: options.headers(raw),
      body,
      ip: raw.socket.remoteAddress,
      secure: false,
      requestId,
    };
    options
      .answer(request, started)
      .then(
        write,
        // The router turns every error into a response; what escapes is a bug: reported, and
        // answered with the 500 Fastify's error handler gives on the other path.
        (error: unknown) => {
          options.reportError(error, { method, path: request.path });
          write(INTERNAL_ERROR);
        },
      )
      // Writing itself failed (a header value Node refuses, a socket torn down mid-write): there is
      // no answer left to give, so the error is reported and the connection closed, never left
      // as an unhandled rejection.
      .catch((error: unknown) => {
        options.reportError(error, { method, path: request.path });
        response.destroy();
      });
  };
  if (method === 'GET') {
    respond(EMPTY);
    return;
  }
  const chunks: Buffer[] = [];
  raw.on('data', (chunk: Buffer) => chunks.push(chunk));
  raw.on('end', () => respond(chunks.length === 1 ? (chunks[0] ?? EMPTY) : Buffer.concat(chunks)));
}

const EMPTY = Buffer.alloc(0);
const INTERNAL_ERROR: HttpResponse = {
  status: 500,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ detail: ERRORS.internal_error.detail }),
};
