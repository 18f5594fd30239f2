/**
 * What the bundled server bounds per connection (docs/security.md SEC-47), from settings:
 *
 * - REQUEST_TIMEOUT (default 30 s): a request's headers and body must arrive within it, or the
 *   connection gets 408 and is closed. Node checks every `connectionsCheckingInterval`, 30 s by
 *   default, which would let a stalled request live up to twice the timeout; it is checked
 *   every second here (at most a tenth of the timeout), so a stall is closed within
 *   REQUEST_TIMEOUT + 1 s. (Before: requestTimeout 0, and a stalled body stayed open > 340 s.)
 * - KEEP_ALIVE_TIMEOUT (default 5 s): how long an idle keep-alive connection stays open.
 * - MAX_CONNECTIONS (default 1000): connections past it are closed as soon as they are
 *   accepted, so descriptors and per-socket memory have a ceiling (2,000 stalled connections
 *   held 207 MB and 2,031 descriptors).
 */
import type { IncomingMessage, Server, ServerOptions } from 'node:http';

export interface ConnectionLimitSettings {
  readonly REQUEST_TIMEOUT: number;
  readonly KEEP_ALIVE_TIMEOUT: number;
  readonly MAX_CONNECTIONS: number;
}

/** Node's `http.createServer` options for these limits (Fastify passes them through as `http`). */
export function httpServerOptions(settings: ConnectionLimitSettings): ServerOptions {
  const requestTimeoutMs = Math.round(settings.REQUEST_TIMEOUT * 1000);
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    keepAliveTimeout: Math.round(settings.KEEP_ALIVE_TIMEOUT * 1000),
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.round(requestTimeoutMs / 10))),
  };
}

/** Applies what cannot be given at creation (and what Fastify would overwrite) to the server. */
export function applyConnectionLimits(server: Server, settings: ConnectionLimitSettings): void {
  const options = httpServerOptions(settings);
  server.requestTimeout = options.requestTimeout ?? 0;
  server.headersTimeout = options.headersTimeout ?? 0;
  server.keepAliveTimeout = options.keepAliveTimeout ?? 5000;
  server.maxConnections = settings.MAX_CONNECTIONS;
}

/** Most bytes of a refused body read and thrown away before the connection closes anyway. */
export const LINGER_MAX_BYTES = 16 * 1024 * 1024;
/** Longest time spent reading a refused body. nginx's `lingering_time` is 30 s; a login body needs far less. */
export const LINGER_MAX_MS = 5000;
/** A refused body that pauses this long is not waited for (nginx's `lingering_timeout`: 5 s). */
export const LINGER_IDLE_MS = 1000;

/**
 * Answers a request whose body is refused (413) and closes the connection the way nginx's
 * lingering close does: the answer is written, then the rest of the body is read and thrown
 * away (at most LINGER_MAX_BYTES, for at most LINGER_MAX_MS, pausing at most LINGER_IDLE_MS)
 * before the socket closes. Closing
 * with unread data in the socket sends a TCP reset, and a client that writes its whole body
 * before reading (Node's fetch) then sees EPIPE or ECONNRESET instead of the 413 (issue 12).
 */
export function answerThenLinger(
  request: IncomingMessage,
  status: number,
  reason: string,
  headers: Record<string, string>,
  body: string,
): void {
  const socket = request.socket;
  if (!socket.writable) return;
  const head = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(`HTTP/1.1 ${status} ${reason}\r\n${head}\r\n${body}`);
  let discarded = 0;
  const stop = (): void => {
    clearTimeout(deadline);
    clearTimeout(idle);
    socket.destroy();
  };
  const deadline = setTimeout(stop, LINGER_MAX_MS).unref();
  let idle = setTimeout(stop, LINGER_IDLE_MS).unref();
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_MAX_BYTES) {
      stop();
      return;
    }
    clearTimeout(idle);
    idle = setTimeout(stop, LINGER_IDLE_MS).unref();
  });
  // The client has sent everything: say we are done (FIN) and let it close; stop() still
  // destroys the socket if it does not within the idle time.
  request.once('end', () => socket.end());
  request.once('error', stop);
  socket.once('close', () => {
    clearTimeout(deadline);
    clearTimeout(idle);
  });
  request.resume();
}
