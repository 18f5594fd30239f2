/**
 * The admin console's cookies: reading the `Cookie` header and writing `Set-Cookie` lines with
 * the console's flags. Every cookie is scoped to the console (`Path=/admin/`, or the path an app
 * mounted it at), unreadable from
 * script (`HttpOnly`), never sent on cross-site requests (`SameSite=Strict`, which also stops
 * most CSRF before the token check), and `Secure` whenever the request came over HTTPS.
 */

/** The cookies of a request by name (the first of repeated names wins, as in browsers' order). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined) return cookies;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (name !== '' && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** Cookie values the console writes are base64url; anything else read back is ignored. */
export function isCookieValue(value: string | undefined): value is string {
  return value !== undefined && /^[A-Za-z0-9_-]{16,128}$/.test(value);
}

/**
 * A `Set-Cookie` line. Without `maxAgeSeconds` it is a browser-session cookie (gone when the
 * browser closes; the server enforces its own limits anyway). `maxAgeSeconds: 0` deletes it.
 */
export function consoleCookie(name: string, value: string, options: { path: string; secure: boolean; maxAgeSeconds?: number }): string {
  const parts = [`${name}=${value}`, `Path=${options.path}`, 'HttpOnly', 'SameSite=Strict'];
  if (options.secure) parts.push('Secure');
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  return parts.join('; ');
}

/** The line that deletes a console cookie scoped to `path`. */
export function expiredConsoleCookie(name: string, options: { path: string; secure: boolean }): string {
  return consoleCookie(name, '', { ...options, maxAgeSeconds: 0 });
}
