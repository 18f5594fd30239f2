/**
 * The framework-neutral request and response every adapter (the bundled Fastify server,
 * Express, Hono, bare node:http) converts to and from. Handlers see only these.
 */

export interface HttpRequest {
  /** Upper-case method. */
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  /** The query string with its `?`, or `''`. */
  readonly search?: string;
  /** Header names in lower case, as node:http gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body; empty when there is none. */
  readonly body: Buffer;
  /** The client address as the adapter determined it (proxy handling is the adapter's job). */
  readonly ip?: string | undefined;
  /** The request reached the server over HTTPS (as the adapter determined it, proxies included). */
  readonly secure?: boolean | undefined;
  /** The request id (logs, audit rows), when the adapter has one. */
  readonly requestId?: string | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** `Set-Cookie` values (cookie mode), written as separate headers. */
  setCookies?: string[];
  /** The serialised body, or `''` for none. */
  body: string;
}

/** One header's value as a single string (the first, when repeated). */
export function header(request: Pick<HttpRequest, 'headers'>, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
