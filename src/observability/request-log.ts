/**
 * The development request log (LOG_REQUESTS): one line per answered request with its method,
 * path, status, time and request id. Never a header, a body or a query string (a careless
 * client may put a token there), and a path segment shaped like a JWT is replaced.
 */

/** Longest path written; the rest is cut (`…`). */
const MAX_PATH_LENGTH = 200;
/** A compact JWS/JWE-looking segment (base64url parts joined by dots), or a long opaque key. */
const TOKEN_SHAPED = /^(?:[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){2,4}|[A-Za-z0-9_:=-]{64,})$/;

/**
 * The part of a request URL a log line may carry: the path without its query, JWT-shaped
 * segments replaced by `[redacted]`, at most 200 characters.
 *
 * @example
 * ```ts
 * loggablePath('/api/x/?token=abc'); // '/api/x/'
 * loggablePath('/t/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig/'); // '/t/[redacted]/'
 * ```
 */
export function loggablePath(url: string): string {
  const queryAt = url.search(/[?#]/);
  const path = (queryAt < 0 ? url : url.slice(0, queryAt))
    .split('/')
    .map((segment) => (TOKEN_SHAPED.test(segment) ? '[redacted]' : segment))
    .join('/');
  return path.length > MAX_PATH_LENGTH ? `${path.slice(0, MAX_PATH_LENGTH)}…` : path;
}

/** The fields of one request line (snake case, as the other lines' `request_id`). */
export interface RequestLine {
  readonly request_id: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
}

/** One request's line, its time rounded to 0.1 ms. */
export function requestLine(requestId: string, method: string, url: string, status: number, elapsedMs: number): RequestLine {
  return { request_id: requestId, method, path: loggablePath(url), status, ms: Math.round(elapsedMs * 10) / 10 };
}
