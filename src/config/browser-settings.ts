/**
 * The settings for browsers: cookie mode (dj-rest-auth's names), CSRF (Django's) and CORS
 * (django-cors-headers'): their parsers, and the combinations that cannot work, refused at
 * start-up with a message naming the setting (a cookie a browser would silently drop, `*` with
 * credentials, SameSite=None without Secure).
 */
import { ConfigError } from '../errors.js';
import { parseDurationSeconds } from './duration.js';
import type { Settings } from './settings.js';

function fail(name: string, expected: string, value: unknown): never {
  throw new ConfigError(name, `expected ${expected}, got ${JSON.stringify(value)}`);
}

/** A list from an array or a comma-separated string; empty is allowed (`''` or `[]`). */
function list(value: unknown, name: string): string[] {
  const items =
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '')
      : value;
  if (!Array.isArray(items) || items.some((item) => typeof item !== 'string' || item.trim() === ''))
    return fail(name, 'a list of strings', value);
  return items.map((item: string) => item.trim());
}

/** RFC 6265 §4.1.1 cookie-name: an RFC 9110 token. */
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function cookieName(value: unknown, name: string): string {
  if (typeof value === 'string' && COOKIE_NAME.test(value)) return value;
  return fail(name, "a cookie name (letters, digits and !#$%&'*+-.^_`|~)", value);
}

export function nullableCookieName(value: unknown, name: string): string | null {
  return value === null || value === '' ? null : cookieName(value, name);
}

export function cookiePath(value: unknown, name: string): string | null {
  if (value === null || value === '') return null;
  if (typeof value === 'string' && /^\/[\x21-\x3a\x3c-\x7e]*$/.test(value)) return value;
  return fail(name, "a path starting with '/' (no spaces, no ';')", value);
}

export function sameSite(value: unknown, name: string): Settings['JWT_AUTH_SAMESITE'] {
  const allowed = ['Lax', 'Strict', 'None'] as const;
  const match = typeof value === 'string' ? allowed.find((option) => option.toLowerCase() === value.trim().toLowerCase()) : undefined;
  return match ?? fail(name, 'Lax, Strict or None', value);
}

/** `scheme://host[:port]` exactly as browsers send `Origin`: lower case, no path, no default port. */
function normalisedOrigin(text: string): string | undefined {
  const match = /^(https?):\/\/([^/?#@\s]+)$/i.exec(text);
  if (match === null) return undefined;
  try {
    const url = new URL(text);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/** CORS_ALLOWED_ORIGINS: origins, or the single value `*`. */
export function corsOrigins(value: unknown, name: string): string[] {
  const origins = list(value, name);
  if (origins.includes('*')) return origins.length === 1 ? ['*'] : fail(name, "either '*' alone or a list of origins", value);
  return origins.map(
    (origin) =>
      normalisedOrigin(origin) ?? fail(name, "origins such as 'https://app.example.com' (scheme, host, optional port; no path)", origin),
  );
}

/** CSRF_TRUSTED_ORIGINS: origins, where the host may start with `*.` (any subdomain), as Django. */
export function trustedOrigins(value: unknown, name: string): string[] {
  return list(value, name).map((origin) => {
    const wildcard = /^(https?:\/\/)\*\.(.+)$/i.exec(origin);
    const checked = normalisedOrigin(wildcard === null ? origin : `${wildcard[1]}${wildcard[2]}`);
    if (checked === undefined) return fail(name, "origins such as 'https://app.example.com' or 'https://*.example.com'", origin);
    return wildcard === null ? checked : checked.replace('://', '://*.');
  });
}

/** Header names (RFC 9110 tokens), lower-cased. */
export function headerNames(value: unknown, name: string): string[] {
  return list(value, name).map((header) =>
    /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header) ? header.toLowerCase() : fail(name, 'header names', header),
  );
}

/** REFRESH_TOKEN_REUSE_GRACE: seconds, or `null` for the automatic default. */
export function nullableDuration(value: unknown, name: string): number | null {
  if (value === null || value === '' || value === 'auto') return null;
  const seconds = parseDurationSeconds(value);
  return seconds ?? fail(name, "a duration in seconds (5) or with units (5s), or 'auto'", value);
}

/** What a browser would refuse or an attacker could use: refused at start-up. */
export function checkBrowserSettings(settings: Settings, warnings: string[]): void {
  checkCookies(settings);
  if (settings.JWT_AUTH_SAMESITE === 'None' && settings.JWT_AUTH_COOKIE !== null) {
    if (!settings.JWT_AUTH_SECURE)
      throw new ConfigError('JWT_AUTH_SAMESITE', 'None requires JWT_AUTH_SECURE: browsers drop SameSite=None cookies that are not Secure');
    if (settings.CSRF_TRUSTED_ORIGINS.length === 0) {
      throw new ConfigError(
        'JWT_AUTH_SAMESITE',
        'None sends the cookies from other sites: list the front end that needs it in CSRF_TRUSTED_ORIGINS',
      );
    }
  }
  if (settings.CORS_ALLOWED_ORIGINS.includes('*') && settings.CORS_ALLOW_CREDENTIALS) {
    throw new ConfigError(
      'CORS_ALLOWED_ORIGINS',
      "'*' together with CORS_ALLOW_CREDENTIALS would let every site act as the signed-in user: list the origins",
    );
  }
  if (settings.CORS_ALLOW_CREDENTIALS && settings.CORS_ALLOWED_ORIGINS.length === 0) {
    warnings.push('CORS_ALLOW_CREDENTIALS has no effect until CORS_ALLOWED_ORIGINS lists an origin.');
  }
}

function checkCookies(settings: Settings): void {
  const { JWT_AUTH_COOKIE: access, JWT_AUTH_REFRESH_COOKIE: refresh, CSRF_COOKIE_NAME: csrf } = settings;
  if (refresh !== null && access === null)
    throw new ConfigError('JWT_AUTH_REFRESH_COOKIE', 'needs JWT_AUTH_COOKIE (cookie mode) to be set too');
  if (access === null) return;
  const names = [access, refresh, csrf].filter((cookie) => cookie !== null);
  if (new Set(names).size !== names.length)
    throw new ConfigError(
      'JWT_AUTH_COOKIE',
      `JWT_AUTH_COOKIE, JWT_AUTH_REFRESH_COOKIE and CSRF_COOKIE_NAME must differ (${names.join(', ')})`,
    );
  // RFC 6265bis §4.1.3: browsers drop prefixed cookies that break the prefix's rules.
  for (const [setting, cookie, path] of [
    ['JWT_AUTH_COOKIE', access, '/'],
    ['JWT_AUTH_REFRESH_COOKIE', refresh, settings.JWT_AUTH_REFRESH_COOKIE_PATH],
    ['CSRF_COOKIE_NAME', csrf, '/'],
  ] as const) {
    if (cookie === null) continue;
    const prefixed = cookie.startsWith('__Host-') || cookie.startsWith('__Secure-');
    if (prefixed && !settings.JWT_AUTH_SECURE)
      throw new ConfigError(setting, `${cookie}: __Host- and __Secure- cookies must be Secure; JWT_AUTH_SECURE is false`);
    if (cookie.startsWith('__Host-') && path !== '/') {
      throw new ConfigError(
        setting,
        `${cookie}: a __Host- cookie must have Path=/; use __Secure- for a cookie limited to ${path ?? 'the token routes'}`,
      );
    }
  }
}
