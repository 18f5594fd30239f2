/**
 * How the client's requests to the API are built: URLs resolved against `baseUrl`, JSON bodies,
 * cookies sent only in cookie mode, the CSRF header on unsafe methods in cookie mode, and the
 * bearer token only ever on requests to the API's own origin.
 */
import { isSafeMethod } from './csrf.js';
import type { ResolvedOptions } from './options.js';
import type { Session } from './session.js';

/** An answer and its parsed JSON body (`null` when it had none or it was not JSON). */
export interface ApiAnswer {
  readonly response: Response;
  readonly body: unknown;
}

export class ApiRequests {
  private readonly apiOrigin: string | undefined;

  constructor(private readonly options: ResolvedOptions) {
    const pageOrigin = (globalThis as { location?: { origin?: string } }).location?.origin;
    this.apiOrigin = options.baseUrl === '' ? pageOrigin : new URL(options.baseUrl, pageOrigin).origin;
  }

  /** `path` under `baseUrl`; absolute URLs are kept as they are. */
  url(path: string): string {
    return /^[a-z][a-z0-9+.-]*:/i.test(path) ? path : `${this.options.baseUrl}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  /** Only the API's own origin ever gets a token, a cookie or a CSRF token from this client. */
  isApiUrl(url: string): boolean {
    if (this.apiOrigin === undefined) return false;
    try {
      return new URL(url).origin === this.apiOrigin;
    } catch {
      return false;
    }
  }

  /**
   * `request` with the session's credentials added (an Authorization the caller set is kept);
   * `csrfToken` is the session's unless given (cookie mode, fetched after a reload).
   */
  authorize(request: Request, session: Session | null, csrfToken: string | null = session?.csrfToken ?? null): Request {
    const { mode, authHeaderType, csrfHeaderName } = this.options;
    const headers = new Headers(request.headers);
    if (mode === 'bearer' && session?.access != null && !headers.has('authorization')) {
      headers.set('authorization', `${authHeaderType} ${session.access}`);
    }
    if (mode === 'cookie' && csrfToken !== null && !isSafeMethod(request.method) && !headers.has(csrfHeaderName)) {
      headers.set(csrfHeaderName, csrfToken);
    }
    return new Request(request, { headers, credentials: mode === 'cookie' ? 'include' : request.credentials });
  }

  /** A JSON POST (or GET) to one of the token routes; network failures reject as fetch does. */
  async call(
    method: 'GET' | 'POST',
    path: string,
    body: Record<string, unknown> | undefined,
    csrfToken: string | null = null,
  ): Promise<ApiAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.mode === 'cookie' && csrfToken !== null && method !== 'GET') headers[this.options.csrfHeaderName] = csrfToken;
    const init: RequestInit = { method, headers, credentials: this.options.mode === 'cookie' ? 'include' : 'same-origin' };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await this.options.fetch(new Request(this.url(path), init));
    return { response, body: await jsonOf(response) };
  }
}

async function jsonOf(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
