/**
 * Tessera's settings: simplejwt's, under the same names, with the same meanings and defaults
 * (../shared/spec/simplejwt-behaviour.md §1), plus the few a standalone server needs
 * (`SECRET_KEY`, `DATABASE_URL`, ...). Durations are in seconds.
 */
import type { Algorithm } from '../tokens/algorithms.js';
import type { JwkObject } from '../tokens/jwk.js';
import type { User, UserLookupField } from '../model/user.js';
import type { LogFormat, LogLevel } from '../observability/log-options.js';

/** HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512 and EdDSA (docs/keys.md). */
export { SUPPORTED_ALGORITHMS, type Algorithm } from '../tokens/algorithms.js';

/** The token kinds `JWTAuthentication` may accept, by simplejwt's class names. */
export const AUTH_TOKEN_CLASS_NAMES = ['AccessToken', 'SlidingToken'] as const;
export type AuthTokenClassName = (typeof AUTH_TOKEN_CLASS_NAMES)[number];

/** The mail backends, by the last part of Django's backend names (`filebased` is `file`, `locmem` is `memory`). */
export { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../observability/log-options.js';

export const EMAIL_BACKEND_NAMES = ['console', 'file', 'memory', 'smtp'] as const;
export type EmailBackendName = (typeof EMAIL_BACKEND_NAMES)[number];

export interface Settings {
  /** Lifetime of an access token, in seconds. @default 300 */
  ACCESS_TOKEN_LIFETIME: number;
  /** Lifetime of a refresh token, in seconds; renewed by each rotation. @default 86400 */
  REFRESH_TOKEN_LIFETIME: number;
  /** Refresh also returns a new refresh token. @default false */
  ROTATE_REFRESH_TOKENS: boolean;
  /** With rotation, the submitted refresh token is blacklisted (atomically). @default false */
  BLACKLIST_AFTER_ROTATION: boolean;
  /** A successful login sets the user's `last_login`. @default false */
  UPDATE_LAST_LOGIN: boolean;
  /** The one JWS algorithm tokens are signed and verified with. @default 'HS256' */
  ALGORITHM: Algorithm;
  /**
   * HS*: the HMAC secret (defaults to `SECRET_KEY`). Other algorithms: the private key, as PEM
   * or JWK JSON (no default). Never logged.
   */
  SIGNING_KEY: string;
  /** Public key (PEM or JWK JSON) for asymmetric algorithms; ignored for HS*. @default '' */
  VERIFYING_KEY: string;
  /**
   * Verification-only keys (JWKs: public ones, or `oct` secrets for HS*), each with a `kid`: the
   * previous keys of a rotation. A JSON list or a JWK Set. @default []
   */
  VERIFYING_KEYS: JwkObject[];
  /** The `kid` written into tokens SIGNING_KEY signs. @default the JWK's `kid` or its RFC 7638 thumbprint (asymmetric), none (HS*) */
  SIGNING_KEY_ID: string | null;
  /** `Cache-Control: max-age` of `/.well-known/jwks.json`, in seconds; also how long a new key is published before `keys activate` lets it sign. @default 300 */
  JWKS_MAX_AGE: number;
  /** How often a server re-reads the database key table (rotation), in seconds. @default 5 */
  KEY_POLL_INTERVAL: number;
  /** When set, added as `aud` to every token and required on decode. @default null */
  AUDIENCE: string | string[] | null;
  /** When set, added as `iss` to every token and required to match on decode. @default null */
  ISSUER: string | null;
  /** Remote JWKS for verification (asymmetric algorithms only). @default null */
  JWK_URL: string | null;
  /** Clock skew allowed on `exp`, `nbf`, `iat` and `refresh_exp`, in seconds. @default 0 */
  LEEWAY: number;
  /** Accepted `Authorization` schemes, case-sensitive; the first builds `WWW-Authenticate`. @default ['Bearer'] */
  AUTH_HEADER_TYPES: string[];
  /** Django `META` key of the header carrying the token. @default 'HTTP_AUTHORIZATION' */
  AUTH_HEADER_NAME: string;
  /** User field put in tokens and used to find the user. @default 'id' */
  USER_ID_FIELD: UserLookupField;
  /** Claim holding the user id. @default 'user_id' */
  USER_ID_CLAIM: string;
  /** Token kinds `Authorization` headers may carry, tried in order. @default ['AccessToken'] */
  AUTH_TOKEN_CLASSES: AuthTokenClassName[];
  /** Claim holding the token type, or `null` not to write or check it. @default 'token_type' */
  TOKEN_TYPE_CLAIM: string | null;
  /** Claim holding the token id. @default 'jti' */
  JTI_CLAIM: string;
  /**
   * Claim holding the user's token version: how many cut-offs (password change or reset,
   * deactivation, logout-all, a privilege change) the user has had when the token was minted.
   * A token whose version is below the user's is refused everywhere the user is looked up
   * (authenticated routes, refresh, verify, blacklist). Written only once a user has had a
   * cut-off, so until then tokens are exactly simplejwt's. See docs/revocation.md. @default 'ver'
   */
  TOKEN_VERSION_CLAIM: string;
  /**
   * Claim holding the session id (the refresh family) in access tokens, e.g. `'sid'`; `null`
   * writes none (simplejwt's tokens). With it, logging out one session (`/blacklist/`, cookie
   * logout) revokes that session, and its access tokens are refused at once on authenticated
   * routes and by `/verify/`, on every worker and instance (through Redis or `--workers`; within
   * USER_CACHE_TTL otherwise), and by stand-alone verifiers reading the revocation feed.
   * docs/revocation.md. @default null
   */
  TOKEN_SESSION_CLAIM: string | null;
  /**
   * The service credential that reads the revocation feed (`GET <token prefix>revocations/`,
   * sent as `Authorization: Bearer <key>`; at least 32 characters): the cut-offs and revoked
   * sessions of the last ACCESS_TOKEN_LIFETIME, which `tessera/verifier` polls. `null` serves
   * no feed. A secret: give it only to your services. docs/revocation.md. @default null
   */
  REVOCATION_FEED_KEY: string | null;
  /**
   * Whether a change of staff, superuser or active status (and, once they exist, groups and
   * permissions) cuts off the user's tokens already issued, so nobody keeps powers they lost.
   * @default true
   */
  REVOKE_ON_PRIVILEGE_CHANGE: boolean;
  /**
   * What a refreshed access token carries: `copy` (simplejwt: the refresh token's claims, as
   * they were at login) or `recompute` (the `customClaims` hook runs again for the user as they
   * are now, so roles and names are never older than one refresh). `recompute` is recommended;
   * `copy` is the default for parity. @default 'copy'
   */
  CLAIMS_ON_REFRESH: 'copy' | 'recompute';
  /** Claim holding a sliding token's refresh deadline. @default 'refresh_exp' */
  SLIDING_TOKEN_REFRESH_EXP_CLAIM: string;
  /** `exp` lifetime of a sliding token, in seconds. @default 300 */
  SLIDING_TOKEN_LIFETIME: number;
  /** How long after creation a sliding token can be refreshed, in seconds. @default 86400 */
  SLIDING_TOKEN_REFRESH_LIFETIME: number;
  /** Refuse inactive users everywhere. @default true */
  CHECK_USER_IS_ACTIVE: boolean;
  /** Login rule: may this user get tokens? @default active users only */
  USER_AUTHENTICATION_RULE: (user: User | undefined) => boolean;
  /** The field users log in with. @default 'username' */
  USERNAME_FIELD: 'username' | 'email';

  /**
   * Seconds after a rotation during which replaying the rotated refresh token, while its
   * successor is still unused, is taken as a client retry or a concurrent tab: the replay gets
   * the same successor token the rotation issued. Once the successor has been presented, or
   * after the window, a replay is theft and revokes the whole family. `null`: 5 seconds for
   * refresh tokens sent in the refresh cookie (tabs sharing one cookie jar), 0 for tokens in a
   * body, as simplejwt. @default null
   */
  REFRESH_TOKEN_REUSE_GRACE: number | null;
  /**
   * Absolute cap on a session (a refresh-token family), in seconds from login: rotation cannot
   * extend it past this, and refresh stops working at it. `null` for none, as simplejwt. @default null
   */
  SESSION_LIFETIME: number | null;

  /**
   * Seconds a user read for request authentication may be reused by this process. Changes made
   * through this process apply at once; changes from other processes within this time (at once
   * with Redis). 0 turns the cache off. @default 5
   */
  USER_CACHE_TTL: number;

  /** The server's secret; the default `SIGNING_KEY`. From `TESSERA_SECRET_KEY`. */
  SECRET_KEY: string;
  /** Where users and tokens live: `sqlite:PATH` (default `sqlite:tessera.sqlite3`). */
  DATABASE_URL: string;
  /**
   * Redis for what instances share besides the database: throttle counters and user-cache
   * invalidations (`redis://host:6379`). Optional; when it goes away Tessera keeps answering
   * correctly from the database. @default null
   */
  REDIS_URL: string | null;
  /** Largest request body accepted, in bytes. @default 1048576 */
  MAX_BODY_BYTES: number;
  /**
   * Failed logins per account from one client address before the delays start: that many are
   * free, then one more per delay that starts at the rate's period and doubles at each further
   * failure, up to an hour; forgotten a day after the last failure or at a successful login.
   * Stops a burst against one account. DRF rate notation, or `off`. @default '5/minute'
   */
  THROTTLE_LOGIN_ACCOUNT_ADDRESS: string | null;
  /**
   * Consecutive failed logins per account (the folded username, whether or not it exists)
   * from all addresses together; a successful login resets the count. Addresses the user has
   * logged in from before (LOGIN_KNOWN_ADDRESS_LIFETIME) are exempt, so attacks from elsewhere
   * cannot lock the real user out. NIST SP 800-63B: at most 100. @default '100/day'
   */
  THROTTLE_LOGIN_ACCOUNT: string | null;
  /** Failed logins per client address, across accounts (credential stuffing). @default '300/hour' */
  THROTTLE_LOGIN_IP: string | null;
  /**
   * How long an address a user logged in from stays "known" (exempt from THROTTLE_LOGIN_ACCOUNT),
   * in seconds. Kept as an HMAC keyed from SECRET_KEY, in Redis when configured, else in memory.
   * @default 2592000 (30 days)
   */
  LOGIN_KNOWN_ADDRESS_LIFETIME: number;
  /** Registrations attempted per client address. @default '100/hour' */
  THROTTLE_REGISTER_IP: string | null;
  /**
   * Password checks that may wait for a hashing slot, all clients together; past it a login or
   * registration gets 503 with `Retry-After` instead of an unbounded wait. @default 64
   */
  HASH_QUEUE_LIMIT: number;
  /**
   * Password checks one client address may have waiting; slots are handed out round-robin
   * between addresses, so one address flooding delays another's login by a few hash times at
   * most. @default 4
   */
  HASH_QUEUE_PER_CLIENT: number;
  /**
   * Seconds a client has to send a whole request (headers and body) before the connection is
   * closed (408); also the bound on waiting for headers. @default 30
   */
  REQUEST_TIMEOUT: number;
  /** Seconds an idle keep-alive connection stays open between requests. @default 5 */
  KEEP_ALIVE_TIMEOUT: number;
  /** Most open client connections; further ones are closed at once. @default 1000 */
  MAX_CONNECTIONS: number;
  /**
   * Which proxies to believe about the client address (`X-Forwarded-For`): `false` (none: the
   * socket's peer is the client), `true` (any: only behind a proxy you control), a hop count,
   * or a comma-separated list of proxy addresses/CIDRs. @default false
   */
  TRUST_PROXY: boolean | number | string;
  /** Longest password accepted, in characters, checked before any hashing (a DoS bound). @default 4096 */
  MAX_PASSWORD_LENGTH: number;

  /**
   * Seconds a password-reset link works (Django's setting; Django's default is 3 days). A link
   * also stops working once used, or when the password or last login changes. @default 3600
   */
  PASSWORD_RESET_TIMEOUT: number;
  /**
   * The front-end page reset mails link to: an http(s) URL with `{uid}` and `{token}`, e.g.
   * `https://app.example.com/reset/{uid}/{token}`. Never built from the request's Host header
   * (reset-link poisoning). `null`: the mail gives the uid and token without a link. @default null
   */
  PASSWORD_RESET_CONFIRM_URL: string | null;
  /** Password change asks for the current password (dj-rest-auth's setting; its default is false). @default true */
  OLD_PASSWORD_FIELD_ENABLED: boolean;
  /**
   * Password-reset and verification mails requested per submitted address, and failed reset
   * confirmations per account; DRF rate notation or `null`. Counted whether or not the address
   * exists, so the limit reveals nothing. @default '5/hour'
   */
  THROTTLE_PASSWORD_RESET_ACCOUNT: string | null;
  /** The same requests and failures per client address. @default '100/hour' */
  THROTTLE_PASSWORD_RESET_IP: string | null;
  /**
   * django-allauth's ACCOUNT_EMAIL_VERIFICATION: `none` (no mail, as the reference server),
   * `optional` (a verification mail at registration, login allowed) or `mandatory` (login refused
   * until the address is verified). @default 'none'
   */
  ACCOUNT_EMAIL_VERIFICATION: 'none' | 'optional' | 'mandatory';
  /** Days a verification key works (django-allauth's setting). @default 3 */
  ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS: number;
  /**
   * The front-end page verification mails link to: an http(s) URL with `{key}`. `null`: the mail
   * gives the key without a link. @default null
   */
  ACCOUNT_EMAIL_CONFIRMATION_URL: string | null;
  /**
   * How mail is sent: `console` (printed on stdout), `file` (one file per mail in
   * EMAIL_FILE_PATH), `memory` (kept in `tessera.mail.outbox`, for tests) or `smtp`. Django's
   * dotted backend names work too. @default 'console' outside production, 'smtp' in production (Django's default)
   */
  EMAIL_BACKEND: EmailBackendName;
  /** The folder the `file` backend writes to (created if missing). @default null */
  EMAIL_FILE_PATH: string | null;
  /** SMTP server. @default 'localhost' */
  EMAIL_HOST: string;
  /** SMTP port. @default 25 */
  EMAIL_PORT: number;
  /** SMTP user name; empty for no authentication. @default '' */
  EMAIL_HOST_USER: string;
  /** SMTP password. Never logged. @default '' */
  EMAIL_HOST_PASSWORD: string;
  /** Upgrade the SMTP connection with STARTTLS (usually port 587), and require it. @default false */
  EMAIL_USE_TLS: boolean;
  /** Implicit TLS from the first byte (usually port 465). @default false */
  EMAIL_USE_SSL: boolean;
  /** Seconds an SMTP connection, greeting or command may take. @default 10 */
  EMAIL_TIMEOUT: number;
  /** The sender of Tessera's mails. @default 'webmaster@localhost' */
  DEFAULT_FROM_EMAIL: string;
  /**
   * A folder of mail templates overriding the built-in ones, by django-allauth's names
   * (`password_reset_key_subject.txt`, `password_reset_key_message.txt`, `..._message.html`,
   * `email_confirmation_subject.txt`, ...), with `{{ name }}` placeholders. @default null
   */
  EMAIL_TEMPLATE_DIR: string | null;
  /**
   * Let passwords imported from Django in its weak formats (`md5`, `sha1`, `unsalted_md5`,
   * `unsalted_sha1`: one fast hash each) log in, and be upgraded to argon2id at that login.
   * Off, such users must reset their password. Turn on only for the weeks after an import. @default false
   */
  ALLOW_WEAK_DJANGO_HASHES: boolean;

  /**
   * Prometheus metrics (docs/operations.md): counters of logins, refreshes, authentications,
   * registrations, blacklisted tokens and key events; request latency per route; password
   * hashing time; the process's default metrics. The bundled server serves them on
   * METRICS_ADDR; a library app gets the registry as `tessera.metrics`. @default false
   */
  METRICS_ENABLED: boolean;
  /**
   * Where the bundled server serves `GET /metrics`, as `host:port`: a listener of its own, never
   * the API's port. Loopback by default: exposing it further is a deliberate choice (a scraper
   * on another host). @default '127.0.0.1:9464'
   */
  METRICS_ADDR: string;
  /**
   * How long audit events are kept, in seconds (`90d` works): `tessera flushexpiredtokens` and
   * `tessera pruneaudit` delete older rows. `null` keeps them forever. @default 7776000 (90 days)
   */
  AUDIT_RETENTION: number | null;
  /** The bundled server's log level: fatal, error, warn, info, debug, trace or silent. @default 'info' */
  LOG_LEVEL: LogLevel;
  /**
   * `json` (one JSON object per line, for log shippers), `pretty` (for people), or `auto`:
   * pretty on a terminal outside production (`NODE_ENV=production`), JSON otherwise. @default 'auto'
   */
  LOG_FORMAT: LogFormat;

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

/** Settings whose values are plain data (everything but functions): what files and env can set. */
export type DataSettingName = Exclude<keyof Settings, 'USER_AUTHENTICATION_RULE'>;

/** simplejwt's default rule: an existing, active user. */
export function defaultUserAuthenticationRule(user: User | undefined): boolean {
  return user !== undefined && user.isActive;
}

export const DEFAULT_SETTINGS: Readonly<Omit<Settings, 'SECRET_KEY' | 'SIGNING_KEY'>> = {
  ACCESS_TOKEN_LIFETIME: 300,
  REFRESH_TOKEN_LIFETIME: 86_400,
  ROTATE_REFRESH_TOKENS: false,
  BLACKLIST_AFTER_ROTATION: false,
  UPDATE_LAST_LOGIN: false,
  ALGORITHM: 'HS256',
  VERIFYING_KEY: '',
  VERIFYING_KEYS: [],
  SIGNING_KEY_ID: null,
  JWKS_MAX_AGE: 300,
  KEY_POLL_INTERVAL: 5,
  AUDIENCE: null,
  ISSUER: null,
  JWK_URL: null,
  LEEWAY: 0,
  AUTH_HEADER_TYPES: ['Bearer'],
  AUTH_HEADER_NAME: 'HTTP_AUTHORIZATION',
  USER_ID_FIELD: 'id',
  USER_ID_CLAIM: 'user_id',
  AUTH_TOKEN_CLASSES: ['AccessToken'],
  TOKEN_TYPE_CLAIM: 'token_type',
  JTI_CLAIM: 'jti',
  TOKEN_VERSION_CLAIM: 'ver',
  TOKEN_SESSION_CLAIM: null,
  REVOCATION_FEED_KEY: null,
  REVOKE_ON_PRIVILEGE_CHANGE: true,
  CLAIMS_ON_REFRESH: 'copy',
  SLIDING_TOKEN_REFRESH_EXP_CLAIM: 'refresh_exp',
  SLIDING_TOKEN_LIFETIME: 300,
  SLIDING_TOKEN_REFRESH_LIFETIME: 86_400,
  CHECK_USER_IS_ACTIVE: true,
  USER_AUTHENTICATION_RULE: defaultUserAuthenticationRule,
  USERNAME_FIELD: 'username',
  REFRESH_TOKEN_REUSE_GRACE: null,
  USER_CACHE_TTL: 5,
  SESSION_LIFETIME: null,
  DATABASE_URL: 'sqlite:tessera.sqlite3',
  REDIS_URL: null,
  MAX_BODY_BYTES: 1_048_576,
  MAX_PASSWORD_LENGTH: 4096,
  THROTTLE_LOGIN_ACCOUNT_ADDRESS: '5/minute',
  THROTTLE_LOGIN_ACCOUNT: '100/day',
  ALLOW_WEAK_DJANGO_HASHES: false,
  THROTTLE_LOGIN_IP: '300/hour',
  LOGIN_KNOWN_ADDRESS_LIFETIME: 2_592_000,
  THROTTLE_REGISTER_IP: '100/hour',
  HASH_QUEUE_LIMIT: 64,
  HASH_QUEUE_PER_CLIENT: 4,
  REQUEST_TIMEOUT: 30,
  KEEP_ALIVE_TIMEOUT: 5,
  MAX_CONNECTIONS: 1000,
  TRUST_PROXY: false,
  PASSWORD_RESET_TIMEOUT: 3600,
  PASSWORD_RESET_CONFIRM_URL: null,
  OLD_PASSWORD_FIELD_ENABLED: true,
  THROTTLE_PASSWORD_RESET_ACCOUNT: '5/hour',
  THROTTLE_PASSWORD_RESET_IP: '100/hour',
  ACCOUNT_EMAIL_VERIFICATION: 'none',
  ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS: 3,
  ACCOUNT_EMAIL_CONFIRMATION_URL: null,
  EMAIL_BACKEND: 'console',
  EMAIL_FILE_PATH: null,
  EMAIL_HOST: 'localhost',
  EMAIL_PORT: 25,
  EMAIL_HOST_USER: '',
  EMAIL_HOST_PASSWORD: '',
  EMAIL_USE_TLS: false,
  EMAIL_USE_SSL: false,
  EMAIL_TIMEOUT: 10,
  DEFAULT_FROM_EMAIL: 'webmaster@localhost',
  EMAIL_TEMPLATE_DIR: null,
  METRICS_ENABLED: false,
  METRICS_ADDR: '127.0.0.1:9464',
  AUDIT_RETENTION: 7_776_000,
  LOG_LEVEL: 'info',
  LOG_FORMAT: 'auto',
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

/** simplejwt settings that were removed; naming one is an error there and here. */
export const REMOVED_SETTINGS = ['AUTH_HEADER_TYPE', 'AUTH_TOKEN_CLASS', 'TOKEN_BACKEND_CLASS'] as const;

/**
 * simplejwt settings that only make sense in Python (dotted import paths). Tessera has typed
 * extension points for each instead (see the library docs), so naming one is a clear error.
 */
export const PYTHON_ONLY_SETTINGS: Readonly<Record<string, string>> = {
  JSON_ENCODER: 'claims are plain JSON values; convert them in a customClaims hook',
  TOKEN_USER_CLASS: 'use stateless authentication (`authenticateStateless`)',
  TOKEN_OBTAIN_SERIALIZER: 'use the `customClaims` hook',
  TOKEN_REFRESH_SERIALIZER: 'not configurable',
  TOKEN_VERIFY_SERIALIZER: 'not configurable',
  TOKEN_BLACKLIST_SERIALIZER: 'not configurable',
  SLIDING_TOKEN_OBTAIN_SERIALIZER: 'use the `customClaims` hook',
  SLIDING_TOKEN_REFRESH_SERIALIZER: 'not configurable',
  ON_LOGIN_SUCCESS: 'pass an `onLoginSuccess` hook in code',
  ON_LOGIN_FAILED: 'pass an `onLoginFailed` hook in code',
};
