/**
 * Cookie mode's CSRF token (Django's double submit): the server sets a `csrftoken` cookie that
 * scripts may read and expects its value back in the `X-CSRFToken` header of unsafe requests.
 * A page on another site cannot read that cookie, so the server also sends the token in the
 * `X-CSRFToken` response header (listed in CORS_EXPOSE_HEADERS), which the client keeps.
 */

/** The value of cookie `name` in `document.cookie`, where there is a document. */
export function readCookie(name: string): string | null {
  const documentLike = (globalThis as { document?: { cookie?: unknown } }).document;
  const cookies = typeof documentLike?.cookie === 'string' ? documentLike.cookie : '';
  for (const part of cookies.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(separator + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}

/** The CSRF token an answer carried in its header, if any. */
export function csrfTokenFrom(response: Response, headerName: string): string | null {
  const value = response.headers.get(headerName);
  return value === null || value === '' ? null : value;
}

/** Methods that never change state (RFC 9110 §9.2.1): they need no CSRF token. */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || method === 'TRACE';
}
