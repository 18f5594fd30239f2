/**
 * The client's errors. The client is dependency-free and runs in browsers, so it does not share
 * the server's registry (src/errors.ts); it passes the server's DRF body through untouched, so
 * forms can show the server's own field messages.
 */

/** The server refused a login, registration or logout: `status` and the DRF body as sent. */
export class TesseraClientError extends Error {
  override readonly name = 'TesseraClientError';

  constructor(
    /** The HTTP status (400 field errors, 401 bad credentials, 403 CSRF, 429 throttled, ...). */
    readonly status: number,
    /** The parsed JSON body (DRF's `{"detail": ...}` or `{"field": ["message"]}`), or `null`. */
    readonly body: unknown,
  ) {
    super(describe(status, body));
  }
}

/** No answer, or a 5xx or 429: the request may work later, and the session is kept. */
export class TesseraNetworkError extends Error {
  override readonly name = 'TesseraNetworkError';

  constructor(
    message: string,
    /** The status of the answer, when there was one (5xx, 429). */
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function describe(status: number, body: unknown): string {
  const detail = typeof body === 'object' && body !== null && 'detail' in body ? String(body.detail) : undefined;
  return detail === undefined ? `the server answered ${status}` : `the server answered ${status}: ${detail}`;
}
