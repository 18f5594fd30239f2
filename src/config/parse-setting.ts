/**
 * One parser per setting. Each takes a raw value (a string from the environment, or any JSON
 * value from `tessera.config.json` or code) and returns the typed value, or throws a
 * `ConfigError` that names the setting: bad configuration stops start-up, it is never guessed.
 */
import { ConfigError } from '../errors.js';
import { isValidKid, type JwkObject } from '../tokens/jwk.js';
import { parseRate } from '../throttling/rate.js';
import {
  cookieName,
  cookiePath,
  corsOrigins,
  headerNames,
  nullableCookieName,
  nullableDuration,
  sameSite,
  trustedOrigins,
} from './browser-settings.js';
import { parseDurationSeconds } from './duration.js';
import { parseListenAddress } from '../observability/listen-address.js';
import {
  AUTH_TOKEN_CLASS_NAMES,
  EMAIL_BACKEND_NAMES,
  LOG_FORMATS,
  LOG_LEVELS,
  SUPPORTED_ALGORITHMS,
  type DataSettingName,
  type Settings,
} from './settings.js';

type Parser<K extends DataSettingName> = (value: unknown, name: K) => Settings[K];

function fail(name: string, expected: string, value: unknown): never {
  // Never echo values of key settings: they are secrets.
  const shown = /KEY|PASSWORD/.test(name) ? '(hidden)' : JSON.stringify(value);
  throw new ConfigError(name, `expected ${expected}, got ${shown}`);
}

function duration(value: unknown, name: string): number {
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) fail(name, 'a duration in seconds (300) or with units (5m, 1h, 1d)', value);
  return seconds;
}

function boolean(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(text)) return true;
    if (['false', '0', 'no', 'off'].includes(text)) return false;
  }
  return fail(name, 'true or false', value);
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value === 'string' && value.length > 0) return value;
  return fail(name, 'a non-empty string', value);
}

function string(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  return fail(name, 'a string', value);
}

function nullableString(value: unknown, name: string): string | null {
  if (value === null || value === '') return null;
  return nonEmptyString(value, name);
}

/** A list from an array, or from a comma-separated string (`Bearer,JWT`). */
function stringList(value: unknown, name: string): string[] {
  const items = typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value;
  if (!Array.isArray(items) || items.length === 0) return fail(name, 'a non-empty list', value);
  return items.map((item) => (typeof item === 'string' && item.length > 0 ? item : fail(name, 'a list of non-empty strings', value)));
}

function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: unknown, name: string): T => {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    return fail(name, `one of ${allowed.join(', ')}`, value);
  };
}

function positiveInteger(value: unknown, name: string): number {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number === 'number' && Number.isSafeInteger(number) && number > 0) return number;
  return fail(name, 'a positive integer', value);
}

/** A duration that must be more than zero (a timeout of 0 would mean none at all). */
function positiveDuration(value: unknown, name: string): number {
  const seconds = duration(value, name);
  if (seconds <= 0) throw new ConfigError(name, 'must be more than 0 seconds');
  return seconds;
}

/** A DRF throttle rate (`100/hour`), or `null`/`off`/`none` for no limit. */
function rate(value: unknown, name: string): string | null {
  if (value === null || value === '' || (typeof value === 'string' && ['off', 'none', 'null'].includes(value.trim().toLowerCase())))
    return null;
  if (typeof value === 'string' && parseRate(value) !== undefined) return value.trim();
  return fail(name, "a rate such as '100/hour' or '5/minute', or 'off'", value);
}

/** Fastify's `trustProxy`: a boolean, a hop count, or addresses/CIDRs. */
function trustProxy(value: unknown, name: string): boolean | number | string {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
    if (/^\d+$/.test(text)) return Number(text);
    if (/^[0-9a-f.:/,\s]+$/i.test(text) && text !== '') return text;
  }
  return fail(name, 'true, false, a hop count, or comma-separated proxy addresses/CIDRs', value);
}

/** simplejwt accepts any leeway; more than 5 minutes would quietly extend every token (SEC-20). */
function leeway(value: unknown, name: string): number {
  const seconds = duration(value, name);
  if (seconds > 300) throw new ConfigError(name, `at most 300 seconds; ${seconds} would extend every token's life`);
  return seconds;
}

/** `rest_framework_simplejwt.tokens.AccessToken` and `AccessToken` both name the class. */
function tokenClassList(value: unknown, name: string): Settings['AUTH_TOKEN_CLASSES'] {
  const short = stringList(value, name).map((item) => item.split('.').pop() ?? item);
  return short.map((item) => oneOf(AUTH_TOKEN_CLASS_NAMES)(item, name));
}

function audience(value: unknown, name: string): string | string[] | null {
  if (value === null || value === '') return null;
  if (Array.isArray(value)) return stringList(value, name);
  if (typeof value === 'string') return value.includes(',') ? stringList(value, name) : value;
  return fail(name, 'a string or a list of strings', value);
}

/** A key given as a JWK object (config file, code) is kept as its JSON text, as env gives it. */
function keyText(value: unknown): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? JSON.stringify(value) : value;
}

/** JWKs: a JSON list or JWK Set (env), or the same as values (config file, code). Keys are checked when built. */
function jwkList(value: unknown, name: string): JwkObject[] {
  let data = value;
  if (typeof value === 'string') {
    if (value.trim() === '') return [];
    try {
      data = JSON.parse(value);
    } catch {
      return fail(name, 'a JSON list of JWKs or a JWK Set', value);
    }
  }
  const keys = typeof data === 'object' && data !== null && !Array.isArray(data) && 'keys' in data ? data.keys : data;
  if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'object' || key === null || Array.isArray(key))) {
    return fail(name, 'a JSON list of JWKs or a JWK Set', value);
  }
  return keys as JwkObject[];
}

/** An http(s) URL template that must contain each of `placeholders` (`{uid}`), or `null`. */
function urlTemplate(...placeholders: string[]) {
  return (value: unknown, name: string): string | null => {
    const template = nullableString(value, name);
    if (template === null) return null;
    const missing = placeholders.filter((placeholder) => !template.includes(`{${placeholder}}`));
    if (!/^https?:\/\/[^\s/]+/i.test(template) || missing.length > 0) {
      return fail(name, `an http(s) URL containing ${placeholders.map((placeholder) => `{${placeholder}}`).join(' and ')}`, value);
    }
    return template;
  };
}

/** `smtp`, or Django's `django.core.mail.backends.smtp.EmailBackend`; `filebased` and `locmem` are Django's names for `file` and `memory`. */
function emailBackend(value: unknown, name: string): Settings['EMAIL_BACKEND'] {
  const djangoNames: Record<string, string> = { filebased: 'file', locmem: 'memory' };
  const match = typeof value === 'string' ? /^(?:django\.core\.mail\.backends\.)?(\w+)(?:\.EmailBackend)?$/.exec(value.trim()) : null;
  const word = match?.[1];
  const short = word === undefined ? value : (djangoNames[word] ?? word);
  return oneOf(EMAIL_BACKEND_NAMES)(short, name);
}

function port(value: unknown, name: string): number {
  const number = positiveInteger(value, name);
  return number <= 65535 ? number : fail(name, 'a port number (1-65535)', value);
}

export const SETTING_PARSERS: { readonly [K in DataSettingName]: Parser<K> } = {
  ACCESS_TOKEN_LIFETIME: duration,
  REFRESH_TOKEN_LIFETIME: duration,
  ROTATE_REFRESH_TOKENS: boolean,
  BLACKLIST_AFTER_ROTATION: boolean,
  UPDATE_LAST_LOGIN: boolean,
  ALGORITHM: (value, name) =>
    typeof value === 'string' && !(SUPPORTED_ALGORITHMS as readonly string[]).includes(value)
      ? fail(name, `one of ${SUPPORTED_ALGORITHMS.join(', ')} (Unrecognized algorithm type '${value}')`, value)
      : oneOf(SUPPORTED_ALGORITHMS)(value, name),
  SIGNING_KEY: (value, name) => nonEmptyString(keyText(value), name),
  VERIFYING_KEY: (value, name) => string(keyText(value), name),
  VERIFYING_KEYS: jwkList,
  SIGNING_KEY_ID: (value, name) => {
    const kid = nullableString(value, name);
    if (kid === null || isValidKid(kid)) return kid;
    return fail(name, '1-128 characters of [A-Za-z0-9._~@+/=:-]', value);
  },
  JWKS_MAX_AGE: duration,
  KEY_POLL_INTERVAL: (value, name) => {
    const seconds = duration(value, name);
    if (seconds < 0.1) throw new ConfigError(name, 'at least 0.1 seconds');
    return seconds;
  },
  AUDIENCE: audience,
  ISSUER: nullableString,
  JWK_URL: nullableString,
  LEEWAY: leeway,
  AUTH_HEADER_TYPES: stringList,
  AUTH_HEADER_NAME: (value, name) => {
    const header = nonEmptyString(value, name);
    if (/^[A-Za-z0-9_-]+$/.test(header)) return header;
    return fail(name, "a header name such as 'HTTP_AUTHORIZATION' or 'HTTP_X_ACCESS_TOKEN'", value);
  },
  USER_ID_FIELD: oneOf(['id', 'username', 'email'] as const),
  USER_ID_CLAIM: nonEmptyString,
  AUTH_TOKEN_CLASSES: tokenClassList,
  TOKEN_TYPE_CLAIM: nullableString,
  TOKEN_VERSION_CLAIM: nonEmptyString,
  TOKEN_SESSION_CLAIM: nullableString,
  REVOCATION_FEED_KEY: (value, name) => {
    const key = nullableString(value, name);
    return key === null || key.length >= 32 ? key : fail(name, 'null or a secret of at least 32 characters', value);
  },
  REVOKE_ON_PRIVILEGE_CHANGE: boolean,
  CLAIMS_ON_REFRESH: oneOf(['copy', 'recompute'] as const),
  TOKEN_GROUPS_CLAIM: nullableString,
  TOKEN_PERMISSIONS_CLAIM: nullableString,
  JTI_CLAIM: (value, name) => {
    // simplejwt accepts None here and then writes a "null" claim and crashes on refresh (§10.3).
    if (value === null || value === '') throw new ConfigError(name, 'must name a claim: the blacklist needs token ids');
    return nonEmptyString(value, name);
  },
  SLIDING_TOKEN_REFRESH_EXP_CLAIM: nonEmptyString,
  SLIDING_TOKEN_LIFETIME: duration,
  SLIDING_TOKEN_REFRESH_LIFETIME: duration,
  CHECK_USER_IS_ACTIVE: boolean,
  USERNAME_FIELD: oneOf(['username', 'email'] as const),
  REFRESH_TOKEN_REUSE_GRACE: nullableDuration,
  USER_CACHE_TTL: duration,
  SESSION_LIFETIME: (value, name) => (value === null || value === '' ? null : duration(value, name)),
  SECRET_KEY: nonEmptyString,
  DATABASE_URL: nonEmptyString,
  REDIS_URL: (value, name) => {
    const url = nullableString(value, name);
    if (url === null || /^rediss?:\/\//.test(url)) return url;
    throw new ConfigError(name, 'expected a redis:// or rediss:// URL');
  },
  MAX_BODY_BYTES: positiveInteger,
  MAX_PASSWORD_LENGTH: positiveInteger,
  THROTTLE_LOGIN_ACCOUNT_ADDRESS: rate,
  ALLOW_WEAK_DJANGO_HASHES: boolean,
  THROTTLE_LOGIN_ACCOUNT: rate,
  THROTTLE_LOGIN_IP: rate,
  LOGIN_KNOWN_ADDRESS_LIFETIME: positiveDuration,
  HASH_QUEUE_LIMIT: positiveInteger,
  HASH_QUEUE_PER_CLIENT: positiveInteger,
  REQUEST_TIMEOUT: positiveDuration,
  KEEP_ALIVE_TIMEOUT: positiveDuration,
  MAX_CONNECTIONS: positiveInteger,
  THROTTLE_REGISTER_IP: rate,
  TRUST_PROXY: trustProxy,
  PASSWORD_RESET_TIMEOUT: duration,
  PASSWORD_RESET_CONFIRM_URL: urlTemplate('uid', 'token'),
  OLD_PASSWORD_FIELD_ENABLED: boolean,
  THROTTLE_PASSWORD_RESET_ACCOUNT: rate,
  THROTTLE_PASSWORD_RESET_IP: rate,
  ACCOUNT_EMAIL_VERIFICATION: oneOf(['none', 'optional', 'mandatory'] as const),
  ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS: positiveInteger,
  ACCOUNT_EMAIL_CONFIRMATION_URL: urlTemplate('key'),
  EMAIL_BACKEND: emailBackend,
  EMAIL_FILE_PATH: nullableString,
  EMAIL_HOST: nonEmptyString,
  EMAIL_PORT: port,
  EMAIL_HOST_USER: string,
  EMAIL_HOST_PASSWORD: string,
  EMAIL_USE_TLS: boolean,
  EMAIL_USE_SSL: boolean,
  EMAIL_TIMEOUT: duration,
  DEFAULT_FROM_EMAIL: nonEmptyString,
  EMAIL_TEMPLATE_DIR: nullableString,
  METRICS_ENABLED: boolean,
  METRICS_ADDR: (value, name) => {
    const address = nonEmptyString(value, name);
    if (parseListenAddress(address) !== undefined) return address.trim();
    return fail(name, "host:port, such as '127.0.0.1:9464' or '[::1]:9464'", value);
  },
  AUDIT_RETENTION: (value, name) => {
    if (value === null || (typeof value === 'string' && ['', 'none', 'null', 'forever'].includes(value.trim().toLowerCase()))) return null;
    const seconds = duration(value, name);
    if (seconds <= 0) throw new ConfigError(name, "must be positive; use 'forever' (or null) to keep audit events");
    return seconds;
  },
  LOG_LEVEL: oneOf(LOG_LEVELS),
  LOG_FORMAT: oneOf(LOG_FORMATS),
  LOG_REQUESTS: boolean,
  JWT_AUTH_COOKIE: nullableCookieName,
  JWT_AUTH_REFRESH_COOKIE: nullableCookieName,
  JWT_AUTH_REFRESH_COOKIE_PATH: cookiePath,
  JWT_AUTH_HTTPONLY: boolean,
  JWT_AUTH_SECURE: boolean,
  JWT_AUTH_SAMESITE: sameSite,
  JWT_AUTH_RETURN_EXPIRATION: boolean,
  CSRF_TRUSTED_ORIGINS: trustedOrigins,
  CSRF_COOKIE_NAME: cookieName,
  CSRF_HEADER_NAME: (value, name) => {
    const header = nonEmptyString(value, name);
    if (/^HTTP_[A-Za-z0-9_]+$/.test(header)) return header;
    return fail(name, "a Django META key such as 'HTTP_X_CSRFTOKEN'", value);
  },
  CORS_ALLOWED_ORIGINS: corsOrigins,
  CORS_ALLOW_CREDENTIALS: boolean,
  CORS_ALLOW_HEADERS: headerNames,
  CORS_EXPOSE_HEADERS: headerNames,
  CORS_PREFLIGHT_MAX_AGE: duration,
};

export function isDataSettingName(name: string): name is DataSettingName {
  return Object.hasOwn(SETTING_PARSERS, name);
}

/** Parses one setting, typed by its name. */
export function parseSetting<K extends DataSettingName>(name: K, value: unknown): Settings[K] {
  const parser = SETTING_PARSERS[name] as Parser<K>;
  return parser(value, name);
}
