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
  | 'permission_denied'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'parse_error'
  | 'not_found'
  | 'validation_failed'
  | 'payload_too_large'
  | 'headers_too_large'
  | 'throttled'
  | 'service_unavailable'
  | 'csrf_failed'
  | 'internal_error';

/**
 * Every HTTP status a {@link TesseraError} can carry: a union, so frameworks that type their
 * statuses accept it as is (Hono's `c.json(error.body, error.status)`).
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 413 | 415 | 431 | 429 | 500 | 503;

export interface ErrorSpec {
  /** HTTP status. */
  readonly status: ErrorStatus;
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
  permission_denied: { status: 403, wireCode: null, detail: 'You do not have permission to perform this action.' },
  method_not_allowed: { status: 405, wireCode: null, detail: 'Method not allowed.' },
  unsupported_media_type: { status: 415, wireCode: null, detail: 'Unsupported media type in request.' },
  parse_error: { status: 400, wireCode: null, detail: 'Malformed request.' },
  not_found: { status: 404, wireCode: null, detail: 'Not found.' },
  validation_failed: { status: 400, wireCode: null, detail: 'Invalid input.' },
  payload_too_large: { status: 413, wireCode: null, detail: 'Request body is too large.' },
  headers_too_large: { status: 431, wireCode: null, detail: 'Request headers are too large.' },
  throttled: { status: 429, wireCode: null, detail: 'Request was throttled.' },
  service_unavailable: { status: 503, wireCode: null, detail: 'Service temporarily unavailable, try again later.' },
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
  readonly status: ErrorStatus;
  readonly body: Json;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, body: Json, options: { status?: ErrorStatus; headers?: Record<string, string>; cause?: unknown } = {}) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the Error's message only; the body keeps the structured detail
    super(typeof body === 'object' && body !== null && 'detail' in body ? String(body.detail) : code, { cause: options.cause });
    this.name = 'TesseraError';
    this.code = code;
    this.status = options.status ?? ERRORS[code].status;
    this.body = body;
    this.headers = options.headers ?? {};
  }

  /** The registry's default answer for `code`, with an optional detail and extra body keys. */
  static of(code: ErrorCode, detail?: string, extra: Record<string, Json> = {}, cause?: unknown): TesseraError {
    const spec = ERRORS[code];
    const body: Record<string, Json> = { detail: detail ?? spec.detail };
    if (spec.wireCode !== null) body.code = spec.wireCode;
    Object.assign(body, extra);
    return new TesseraError(code, body, { cause });
  }

  /** The 401 a TokenError becomes: `token_not_valid` with its message, keeping it as the cause. */
  static fromToken(error: TokenError): TesseraError {
    return TesseraError.of('token_not_valid', error.message, {}, error);
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

/** DRF's field messages (`rest_framework/fields.py` 3.14), word for word. */
export const FIELD_MESSAGES = {
  required: 'This field is required.',
  null: 'This field may not be null.',
  notAString: 'Not a valid string.',
  blank: 'This field may not be blank.',
  nullCharacters: 'Null characters are not allowed.',
  invalidEmail: 'Enter a valid email address.',
  /** The serializer's own `null` message, for a `null` body. */
  noData: 'No data provided',
} as const;

/** The tutorial's `RegisterSerializer` and Django's user model, word for word. */
export const REGISTRATION_MESSAGES = {
  passwordsDiffer: "Password fields didn't match.",
  usernameTaken: 'User with this username already exists.',
  emailTaken: 'User with this email already exists.',
  invalidUsername: 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
} as const;

/** dj-rest-auth's messages (password change and reset, email verification), word for word. */
export const ACCOUNT_MESSAGES = {
  passwordMismatch: 'The two password fields didn’t match.',
  oldPasswordIncorrect: 'Your old password was entered incorrectly. Please enter it again.',
  invalidValue: 'Invalid value',
  resetMailSent: 'Password reset e-mail has been sent.',
  passwordReset: 'Password has been reset with the new password.',
  passwordChanged: 'New password has been saved.',
  emailNotVerified: 'E-mail is not verified.',
  ok: 'ok',
} as const;

/** simplejwt 5.2.2's token messages, word for word: what clients see in `detail` and `messages`. */
export const TOKEN_MESSAGES = {
  invalid: 'Token is invalid or expired',
  blacklisted: 'Token is blacklisted',
  noId: 'Token has no id',
  noType: 'Token has no type',
  wrongType: 'Token has wrong type',
  noClaim: (claim: string) => `Token has no '${claim}' claim`,
  claimExpired: (claim: string) => `Token '${claim}' claim has expired`,
} as const;

/**
 * Why a token was refused, precisely: stable codes to switch on, count and log. Clients never
 * see them (they get simplejwt's message, which hides most of these behind "Token is invalid
 * or expired", as it should: the precise reason helps an attacker more than a client).
 */
export const TOKEN_ERROR_REASONS = {
  // The compact JWS (tokens/jws.ts), checked before any claim is read.
  too_long: TOKEN_MESSAGES.invalid,
  malformed: TOKEN_MESSAGES.invalid,
  bad_base64url: TOKEN_MESSAGES.invalid,
  bad_header: TOKEN_MESSAGES.invalid,
  alg_mismatch: TOKEN_MESSAGES.invalid,
  kid_mismatch: TOKEN_MESSAGES.invalid,
  unknown_kid: TOKEN_MESSAGES.invalid,
  crit_unsupported: TOKEN_MESSAGES.invalid,
  unencoded_payload: TOKEN_MESSAGES.invalid,
  embedded_key: TOKEN_MESSAGES.invalid,
  encryption_header: TOKEN_MESSAGES.invalid,
  bad_payload: TOKEN_MESSAGES.invalid,
  bad_signature: TOKEN_MESSAGES.invalid,
  // Registered claims, as PyJWT checks them (tokens/claims.ts).
  expired: TOKEN_MESSAGES.invalid,
  not_yet_valid: TOKEN_MESSAGES.invalid,
  bad_claim: TOKEN_MESSAGES.invalid,
  issuer_mismatch: TOKEN_MESSAGES.invalid,
  audience_mismatch: TOKEN_MESSAGES.invalid,
  // simplejwt's own checks (tokens/token-codec.ts); the claim-named ones take their message from the claim.
  missing_claim: TOKEN_MESSAGES.invalid,
  claim_expired: TOKEN_MESSAGES.invalid,
  no_id: TOKEN_MESSAGES.noId,
  no_type: TOKEN_MESSAGES.noType,
  wrong_type: TOKEN_MESSAGES.wrongType,
  // What the server remembers about refresh and sliding tokens (sessions/).
  blacklisted: TOKEN_MESSAGES.blacklisted,
  family_revoked: TOKEN_MESSAGES.blacklisted,
  reuse_detected: TOKEN_MESSAGES.blacklisted,
  // The user's token cut-off came after the token was minted (users/token-cutoff.ts, issue 15).
  cut_off: TOKEN_MESSAGES.invalid,
  // The access token's session (TOKEN_SESSION_CLAIM) was logged out or revoked (sessions/session-claim.ts).
  session_revoked: TOKEN_MESSAGES.invalid,
  concurrent_rotation: TOKEN_MESSAGES.blacklisted,
  session_expired: TOKEN_MESSAGES.invalid,
} as const satisfies Record<string, string>;

export type TokenErrorReason = keyof typeof TOKEN_ERROR_REASONS;

/**
 * A token failed to parse or verify. `reason` says precisely why (switch on it); `message` is
 * simplejwt's ("Token is invalid or expired", "Token has wrong type", ...), which the HTTP layer
 * wraps into `token_not_valid`.
 *
 * @example
 * ```ts
 * try {
 *   await verifier.verifyToken(raw);
 * } catch (error) {
 *   if (error instanceof TokenError && error.reason === 'expired') return askForRefresh();
 *   throw error;
 * }
 * ```
 */
export class TokenError extends Error {
  readonly reason: TokenErrorReason;

  /** `message` defaults to the reason's simplejwt message. */
  constructor(reason: TokenErrorReason, message: string = TOKEN_ERROR_REASONS[reason]) {
    super(message);
    this.name = 'TokenError';
    this.reason = reason;
  }

  /** A claim simplejwt requires is missing: "Token has no '<claim>' claim". */
  static missingClaim(claim: string): TokenError {
    return new TokenError('missing_claim', TOKEN_MESSAGES.noClaim(claim));
  }

  /** `exp` (or a sliding token's `refresh_exp`) has passed: "Token '<claim>' claim has expired". */
  static claimExpired(claim: string): TokenError {
    return new TokenError('claim_expired', TOKEN_MESSAGES.claimExpired(claim));
  }
}

/**
 * The precise reason behind a refusal: a TokenError's own, or the one a TesseraError was caused
 * by (`token_not_valid_for_any_type` keeps the first token class's TokenError as its cause).
 */
export function tokenErrorReasonOf(error: unknown): TokenErrorReason | undefined {
  if (error instanceof TokenError) return error.reason;
  return error instanceof Error && error.cause instanceof TokenError ? error.cause.reason : undefined;
}

/**
 * One of the app's hooks (`customClaims`, `onLoginSuccess`, `sendMail`, ...) threw: the message
 * names the hook, the original error is the `cause`. The request gets a bare 500; the error
 * reporter gets this.
 *
 * @example
 * ```ts
 * new HookError('customClaims', new TypeError("Cannot read properties of undefined (reading 'id')")).message;
 * // "the customClaims hook threw: Cannot read properties of undefined (reading 'id')"
 * ```
 */
export class HookError extends Error {
  readonly hook: string;
  constructor(hook: string, cause: unknown) {
    super(`the ${hook} hook threw: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'HookError';
    this.hook = hook;
    if (cause instanceof Error && cause.stack !== undefined) this.stack = `${this.name}: ${this.message}\n  caused by ${cause.stack}`;
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

/**
 * Why an SQLite database in a missing folder is refused, in every mode (library, `tessera serve`,
 * with or without a development secret): the folder is never created, so a mistyped path or an
 * unmounted volume is not silently replaced by a new, empty database.
 */
export function missingSqliteFolderMessage(databasePath: string, folder: string): string {
  return `cannot open the SQLite database ${databasePath}: its folder ${folder} does not exist. Create it first (mkdir -p ${folder}); Tessera creates the database file, never its folder`;
}

/**
 * A row of an import source (`tessera import-django`) that cannot be imported. The message
 * names the row (`auth_user id=5`, `dump.json object #12 (auth.user pk=5)`) and what is wrong
 * with it; the import then writes nothing.
 */
export class ImportRowError extends Error {
  readonly row: string;
  readonly reason: string;
  constructor(row: string, reason: string) {
    super(`${row}: ${reason}`);
    this.name = 'ImportRowError';
    this.row = row;
    this.reason = reason;
  }
}
