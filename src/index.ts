/**
 * Tessera: JWT authentication for TypeScript REST APIs, wire-compatible with
 * djangorestframework-simplejwt. This entry point is the framework-free core.
 */
export { createTessera, type Tessera, type TesseraOptions, type RouteOptions } from './app/tessera.js';
export type { TesseraHooks, LoginRequestInfo } from './http/context.js';
export { loadSettings, DEFAULT_SETTINGS, type Settings, type Algorithm } from './config/index.js';
export {
  TesseraError,
  TokenError,
  ConfigError,
  ERRORS,
  TOKEN_MESSAGES,
  TOKEN_ERROR_REASONS,
  tokenErrorReasonOf,
  type ErrorCode,
  type Json,
  type TokenErrorReason,
} from './errors.js';
export { TokenCodec, type Claims, type CustomClaims, type TokenType } from './tokens/token-codec.js';
export { HmacKey, type TokenKey, type TokenKeys, type KeyResolver } from './tokens/signing-key.js';
export { AsymmetricKey } from './tokens/asymmetric-key.js';
export type { PublicJwk, PublicJwkSet } from './tokens/jwk.js';
export { keyFromText, keyFromJwk } from './keys/import-key.js';
export { Keyring } from './keys/keyring.js';
export { RemoteKeySet, type RemoteKeySetOptions } from './keys/remote-key-set.js';
export { createVerifier, type Verifier, type VerifierOptions, type VerifierSettings } from './app/verifier.js';
export type { KeyStore, StoredSigningKey, SigningKeyState } from './model/store.js';
export type { AuthenticatedRequest } from './auth/authenticate-request.js';
export { tokenUserFromClaims, type TokenUser, type TokenUserSettings } from './auth/token-user.js';
export type { User, NewUser, UserPatch, UserLookupField } from './model/user.js';
export { requestUserOf, type RequestUser, type UserFields } from './model/request-user.js';
export {
  NO_AUTHORIZATION,
  splitPermission,
  type GroupRecord,
  type NewPermissionOptions,
  type PermissionRecord,
  type PermissionStore,
  type UserAuthorization,
} from './model/permissions.js';
export type { Store, UserStore, TokenStore, OutstandingToken, TokenRecord, TokenState } from './model/store.js';
export { UniqueViolationError } from './model/store.js';
export { hashPassword, verifyPassword, validatePassword } from './passwords/index.js';
export type { HttpRequest, HttpResponse } from './http/http-types.js';
export type { ErrorReporter, RequestDispatcher } from './http/router.js';
export type { LoadSettingsOptions } from './config/load-settings.js';
export {
  AUTH_ACTIONS,
  type AuthAction,
  type AuthEvent,
  type AuditRecord,
  type AuthEventSink,
  type EventDetail,
  type RequestOrigin,
  type UserRef,
} from './model/auth-events.js';
export type { TesseraMetrics } from './observability/metrics.js';
export type { Readiness, CheckState } from './observability/readiness.js';
export type { AuditEntry, AuditQuery, HealthStore } from './model/store.js';

// Types the public API above refers to, exported so that they are documented and nameable.
export type { HmacAlgorithm, SignatureAlgorithm } from './tokens/algorithms.js';
export type { JsonObject } from './tokens/json-object.js';
export type { JwkObject } from './tokens/jwk.js';
export type { ErrorSpec, ErrorStatus, FieldErrors } from './errors.js';
export { HookError } from './errors.js';
export type { ServerKeys } from './keys/server-keys.js';
export type { Logger } from './model/logger.js';
export type { Mailer } from './mail/mailer.js';
export type { MailMessage } from './mail/mail-message.js';
export type { MailKind, MailTemplate, MailTemplateOverrides } from './mail/mail-templates.js';
export type { RateLimiter } from './throttling/rate-limiter.js';
export type { CachedStore } from './stores/user-cache.js';
export type { ThrottledAttemptLog } from './throttling/throttled-attempts.js';
export type { LoadedSettings } from './config/load-settings.js';
export type { VerifyOptions, VerifyResult, PasswordUserAttributes } from './passwords/index.js';
export { ARGON2ID_PARAMS } from './passwords/index.js';
export type { Route } from './http/route.js';
export type { KeyImportOptions } from './keys/import-key.js';
export type { KeyringOptions } from './keys/keyring.js';
export type { TokenCodecOptions, UserIdClaim } from './tokens/token-codec.js';
export type { EmailAddress, ConsoleSignIn } from './model/store.js';
export type {
  DjangoImportBatch,
  DjangoImportCounts,
  DjangoImportWriteOptions,
  DjangoImportWritten,
  ImportCutOff,
} from './model/django-import.js';
export { HMAC_ALGORITHMS, SIGNATURE_ALGORITHMS } from './tokens/algorithms.js';
export type { ImportedGroup, ImportedPermission, ImportedToken, ImportedUser, ImportCount, ImportPhase } from './model/django-import.js';
export type { KeyRole } from './keys/import-key.js';
export type { MailBackend } from './mail/mail-message.js';
export type { MailVariables } from './mail/mail-templates.js';
// eslint-disable-next-line @typescript-eslint/no-deprecated -- FieldMetadata stays exported for existing callers
export type { Handler, HandlerInput, HandlerResult, EndpointField, FieldMetadata } from './http/route.js';
export type { Reservation, ThrottleRule, WindowRule, BackoffRule } from './throttling/rate-limiter.js';
export type { Rate } from './throttling/rate.js';
export type { TokenSettings } from './tokens/token-settings.js';
export type {
  AuditTrail,
  ConsoleSignInStore,
  CutOffRecord,
  NameRules,
  RevocationStore,
  RevokedSession,
  TokenStateAndUser,
} from './model/store.js';
export type { DeclaredRefusal, FieldInput } from './http/route.js';
export type { HtmlRenderer, RouterOptions } from './http/router.js';
