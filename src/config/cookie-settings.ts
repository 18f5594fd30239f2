/**
 * The settings for browsers: cookie mode (dj-rest-auth's names), CSRF (Django's) and CORS
 * (django-cors-headers'). Their parsers and the combinations refused at start-up are in
 * `browser-settings.ts`.
 */

/** Tokens in cookies, the CSRF check that goes with them, and CORS. */
export interface CookieSettings {
  /**
   * Cookie mode (dj-rest-auth's name): the access token's cookie, e.g. `__Host-access`. Set,
   * browser requests (those with an `Origin` header) get the tokens as HttpOnly cookies, and
   * authenticated views accept the cookie as well as the header; other clients are unaffected.
   * `null`: no cookies. @default null
   */
  JWT_AUTH_COOKIE: string | null;
  /** The refresh token's cookie in cookie mode, e.g. `__Secure-refresh`; then it is left out of browser bodies. @default null */
  JWT_AUTH_REFRESH_COOKIE: string | null;
  /** Path of the refresh cookie, so it reaches the token routes and nothing else. @default the token routes' prefix ('/api/token/') */
  JWT_AUTH_REFRESH_COOKIE_PATH: string | null;
  /** The token cookies are HttpOnly: no script can read them. @default true */
  JWT_AUTH_HTTPONLY: boolean;
  /** The cookies are Secure. `false` is honoured only for requests to a loopback host (development over plain http). @default true */
  JWT_AUTH_SECURE: boolean;
  /** SameSite of the cookies: `Lax`, `Strict` or `None` (`None` needs JWT_AUTH_SECURE and CSRF_TRUSTED_ORIGINS). @default 'Lax' */
  JWT_AUTH_SAMESITE: 'Lax' | 'Strict' | 'None';
  /** Login and refresh bodies carry `access_expiration` and `refresh_expiration` (ISO 8601, UTC). @default false */
  JWT_AUTH_RETURN_EXPIRATION: boolean;
  /**
   * Origins trusted for unsafe requests that a cookie authenticates, besides the server's own
   * (Django's setting): `https://app.example.com`, `https://*.example.com`. @default []
   */
  CSRF_TRUSTED_ORIGINS: string[];
  /** The CSRF cookie that scripts read and echo in CSRF_HEADER_NAME (Django's name and default). @default 'csrftoken' */
  CSRF_COOKIE_NAME: string;
  /** Django `META` key of the header carrying the CSRF token. @default 'HTTP_X_CSRFTOKEN' */
  CSRF_HEADER_NAME: string;
  /**
   * Origins allowed to call the API from a browser (django-cors-headers' name): exact
   * `scheme://host[:port]` values, or `*` for any (refused with CORS_ALLOW_CREDENTIALS). @default []
   */
  CORS_ALLOWED_ORIGINS: string[];
  /** Allowed origins may send cookies (`Access-Control-Allow-Credentials: true`). @default false */
  CORS_ALLOW_CREDENTIALS: boolean;
  /** Request headers a preflight may allow. @default ['accept', 'authorization', 'content-type', 'user-agent', 'x-csrftoken', 'x-requested-with'] */
  CORS_ALLOW_HEADERS: string[];
  /** Response headers scripts of allowed origins may read (`X-CSRFToken` is always added in cookie mode). @default [] */
  CORS_EXPOSE_HEADERS: string[];
  /** How long browsers may cache a preflight answer, in seconds; 0 sends no `Access-Control-Max-Age`. @default 86400 */
  CORS_PREFLIGHT_MAX_AGE: number;
}

export const COOKIE_DEFAULTS: Readonly<CookieSettings> = {
  JWT_AUTH_COOKIE: null,
  JWT_AUTH_REFRESH_COOKIE: null,
  JWT_AUTH_REFRESH_COOKIE_PATH: null,
  JWT_AUTH_HTTPONLY: true,
  JWT_AUTH_SECURE: true,
  JWT_AUTH_SAMESITE: 'Lax',
  JWT_AUTH_RETURN_EXPIRATION: false,
  CSRF_TRUSTED_ORIGINS: [],
  CSRF_COOKIE_NAME: 'csrftoken',
  CSRF_HEADER_NAME: 'HTTP_X_CSRFTOKEN',
  CORS_ALLOWED_ORIGINS: [],
  CORS_ALLOW_CREDENTIALS: false,
  CORS_ALLOW_HEADERS: ['accept', 'authorization', 'content-type', 'user-agent', 'x-csrftoken', 'x-requested-with'],
  CORS_EXPOSE_HEADERS: [],
  CORS_PREFLIGHT_MAX_AGE: 86_400,
};
