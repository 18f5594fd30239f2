/**
 * Tessera: JWT authentication for TypeScript REST APIs, wire-compatible with
 * djangorestframework-simplejwt. This entry point is the framework-free core.
 */
export { createTessera, type Tessera, type TesseraOptions, type RouteOptions } from './tessera.js';
export type { TesseraContext, TesseraHooks, LoginRequestInfo } from './context.js';
export { loadSettings, DEFAULT_SETTINGS, type Settings, type Algorithm } from './config/index.js';
export { TesseraError, TokenError, ConfigError, ERRORS, type ErrorCode, type Json } from './errors.js';
export { TokenCodec, TOKEN_MESSAGES, type Claims, type TokenType } from './tokens/token-codec.js';
export { HmacKey, type TokenKey } from './tokens/signing-key.js';
export { authenticateHeader, type AuthenticatedRequest } from './users/authenticate-request.js';
export type { User, NewUser } from './users/user.js';
export type { Store, UserStore, TokenStore, OutstandingToken, TokenRecord } from './stores/store.js';
export { UniqueViolationError } from './stores/store.js';
export { hashPassword, verifyPassword, validatePassword } from './passwords/index.js';
export type { HttpRequest, HttpResponse } from './http/http-types.js';
