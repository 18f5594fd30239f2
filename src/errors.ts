/**
 * The one registry of Tessera's errors.
 *
 * Every failure a client can see has an entry here: a stable Tessera code (what library users
 * switch on), the HTTP status, and the body shape Django REST Framework + simplejwt would send,
 * so that a simplejwt client cannot tell the servers apart.
 *
 * DRF has three body shapes, and simplejwt uses all of them:
 * - `{"detail": "..."}`: DRF's own exceptions (AuthenticationFailed raised by the serializers,
 *   NotAuthenticated, MethodNotAllowed, ParseError, UnsupportedMediaType, Throttled);
 * - `{"detail": "...", "code": "..."}` (+ extra keys such as `messages`): simplejwt's
 *   `InvalidToken` / `AuthenticationFailed`, whose detail is a dict;
 * - `{"field": ["message", ...]}`: serializer validation errors (400).
 */

/** Stable Tessera error codes. Never renamed: library users and logs depend on them. */
export type ErrorCode =
  | 'no_active_account'
  | 'no_active_account_for_token'
  | 'token_not_valid'
  | 'token_not_valid_for_any_type'
  | 'token_no_user_id'
  | 'bad_authorization_header'
  | 'user_not_found'
  | 'user_inactive'
  | 'not_authenticated'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'parse_error'
  | 'not_found'
  | 'validation_failed'
  | 'payload_too_large'
  | 'throttled'
  | 'csrf_failed'
  | 'internal_error';

interface ErrorSpec {
  /** HTTP status. */
  readonly status: number;
  /** DRF's `code` key in the body, or `null` when DRF sends only `detail`. */
  readonly wireCode: string | null;
  /** Default English detail, as simplejwt/DRF word it. */
  readonly detail: string;
}

export const ERRORS: Readonly<Record<ErrorCode, ErrorSpec>> = {
  no_active_account: { status: 401, wireCode: null, detail: 'No active account found with the given credentials' },
  no_active_account_for_token: { status: 401, wireCode: null, detail: 'No active account found for the given token.' },
  token_not_valid: { status: 401, wireCode: 'token_not_valid', detail: 'Token is invalid or expired' },
  token_not_valid_for_any_type: { status: 401, wireCode: 'token_not_valid', detail: 'Given token not valid for any token type' },
  token_no_user_id: { status: 401, wireCode: 'token_not_valid', detail: 'Token contained no recognizable user identification' },
  bad_authorization_header: {
    status: 401,
    wireCode: 'bad_authorization_header',
    detail: 'Authorization header must contain two space-delimited values',
  },
  user_not_found: { status: 401, wireCode: 'user_not_found', detail: 'User not found' },
  user_inactive: { status: 401, wireCode: 'user_inactive', detail: 'User is inactive' },
  not_authenticated: { status: 401, wireCode: null, detail: 'Authentication credentials were not provided.' },
  method_not_allowed: { status: 405, wireCode: null, detail: 'Method not allowed.' },
  unsupported_media_type: { status: 415, wireCode: null, detail: 'Unsupported media type in request.' },
  parse_error: { status: 400, wireCode: null, detail: 'Malformed request.' },
  not_found: { status: 404, wireCode: null, detail: 'Not found.' },
  validation_failed: { status: 400, wireCode: null, detail: 'Invalid input.' },
  payload_too_large: { status: 413, wireCode: null, detail: 'Request body is too large.' },
  throttled: { status: 429, wireCode: null, detail: 'Request was throttled.' },
  // DRF's answer when a cookie-authenticated request fails Django's CSRF check: "CSRF Failed: <reason>".
  csrf_failed: { status: 403, wireCode: null, detail: 'CSRF Failed: CSRF token missing.' },
  internal_error: { status: 500, wireCode: null, detail: 'A server error occurred.' },
};

/** A JSON value as it goes on the wire. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Field errors in DRF's shape: field name to its list of messages, in declaration order. */
export type FieldErrors = Record<string, string[]>;

/**
 * An error that becomes an HTTP answer. `body` is exactly what goes on the wire.
 *
 * @example
 * ```ts
 * throw TesseraError.of('user_inactive');
 * // 401 {"detail":"User is inactive","code":"user_inactive"}
 * ```
 */
export class TesseraError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly body: Json;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, body: Json, options: { status?: number; headers?: Record<string, string> } = {}) {
    super(typeof body === 'object' && body !== null && 'detail' in body ? String(body.detail) : code);
    this.name = 'TesseraError';
    this.code = code;
    this.status = options.status ?? ERRORS[code].status;
    this.body = body;
    this.headers = options.headers ?? {};
  }

  /** The registry's default answer for `code`, with an optional detail and extra body keys. */
  static of(code: ErrorCode, detail?: string, extra: Record<string, Json> = {}): TesseraError {
    const spec = ERRORS[code];
    const body: Record<string, Json> = { detail: detail ?? spec.detail };
    if (spec.wireCode !== null) body.code = spec.wireCode;
    Object.assign(body, extra);
    return new TesseraError(code, body);
  }

  /** A 400 with DRF field errors: `{"password": ["This field is required."]}`. */
  static fields(errors: FieldErrors): TesseraError {
    return new TesseraError('validation_failed', errors);
  }

  /** A 400 with `{"non_field_errors": [message]}`. */
  static nonField(message: string): TesseraError {
    return new TesseraError('validation_failed', { non_field_errors: [message] });
  }
}

/**
 * A token failed to parse or verify. Carries simplejwt's message ("Token is invalid or
 * expired", "Token has wrong type", ...); the HTTP layer wraps it into `token_not_valid`.
 */
export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

/**
 * Bad configuration. Start-up stops with this message, which always names the setting.
 */
export class ConfigError extends Error {
  readonly setting: string;
  constructor(setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}
