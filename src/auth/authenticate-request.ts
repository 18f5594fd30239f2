/**
 * simplejwt's `JWTAuthentication`: the `Authorization` header (or AUTH_HEADER_NAME) to a user.
 * Returns `undefined` for "no credentials here" (DRF then answers "Authentication credentials
 * were not provided."), throws a `TesseraError` for bad credentials, and returns the user and
 * the token's claims otherwise. This is the hot path: no allocation beyond what parsing needs.
 */
import { TesseraError, TokenError, tokenErrorReasonOf, type Json } from '../errors.js';
import type { AuthEvent, AuthEventSink } from '../model/auth-events.js';
import type { Claims, TokenCodec, TokenType } from '../tokens/token-codec.js';
import type { VerifiedTokenCache } from '../tokens/verified-token-cache.js';
import type { CachedStore } from '../stores/user-cache.js';
import { isTokenBlacklisted } from '../sessions/blacklist-check.js';
import { findUserByClaim, type UserIdSettings } from '../users/user-from-claim.js';
import { isCutOff, type TokenVersionSettings } from '../users/token-cutoff.js';
import { namesRevokedSession, type SessionClaimSettings } from '../sessions/session-claim.js';
import { requestUserOf, type RequestUser } from '../model/request-user.js';

/** The settings request authentication reads (`config/settings.ts` documents each one). */
export interface AuthenticationSettings extends UserIdSettings, TokenVersionSettings, SessionClaimSettings {
  readonly AUTH_HEADER_TYPES: readonly string[];
  /** simplejwt's class names (`AccessToken`, `SlidingToken`), tried in order. */
  readonly AUTH_TOKEN_CLASSES: readonly string[];
  readonly USER_ID_CLAIM: string;
  readonly JTI_CLAIM: string;
  readonly LEEWAY: number;
  readonly CHECK_USER_IS_ACTIVE: boolean;
}

/**
 * What request authentication needs: its settings, the codec (and its clock), the cache of
 * verified access tokens, the (user-cached) store and the event sink. `TesseraContext`
 * satisfies it.
 */
export interface AuthenticationDependencies {
  readonly settings: AuthenticationSettings;
  readonly codec: Pick<TokenCodec, 'now' | 'key' | 'verifySignature' | 'checkClaims'>;
  readonly verifiedTokens: VerifiedTokenCache;
  readonly store: Pick<CachedStore, 'findUser' | 'findCachedUser' | 'findCachedAuthorization' | 'isBlacklisted' | 'isSessionRevoked'>;
  readonly events: Pick<AuthEventSink, 'emit'>;
}

export interface AuthenticatedRequest {
  /** The user, without the password hash (see {@link RequestUser}). */
  readonly user: RequestUser;
  /** The validated token's claims (DRF's `request.auth.payload`). */
  readonly claims: Claims;
}

/** `HTTP_X_ACCESS_TOKEN` (Django's META key) to `x-access-token` (an HTTP header name). */
export function headerNameFromMetaKey(metaKey: string): string {
  return metaKey
    .replace(/^HTTP_/, '')
    .replaceAll('_', '-')
    .toLowerCase();
}

export const TOKEN_CLASSES: Readonly<Record<string, TokenType>> = { AccessToken: 'access', SlidingToken: 'sliding' };

/** Python's `bytes.split()`: runs of ASCII whitespace separate, ends are ignored. */
const ASCII_WHITESPACE = /[ \t\n\r\v\f]+/;

/** The raw token from a header value, `undefined` when the header is not ours. */
export function rawTokenFromHeader(
  context: { readonly settings: Pick<AuthenticationSettings, 'AUTH_HEADER_TYPES'> },
  header: string | undefined,
): string | undefined {
  if (header === undefined) return undefined;
  const parts = header.trim() === '' ? [] : header.trim().split(ASCII_WHITESPACE);
  if (parts.length === 0 || !context.settings.AUTH_HEADER_TYPES.includes(parts[0] ?? '')) return undefined;
  if (parts.length !== 2) throw TesseraError.of('bad_authorization_header');
  return parts[1];
}

/** Validates `raw` against each of AUTH_TOKEN_CLASSES in turn, as simplejwt does. */
export async function validatedClaims(context: AuthenticationDependencies, raw: string): Promise<Claims> {
  const nowMs = context.codec.now();
  const cache = context.verifiedTokens;
  const cached = cache.get(raw, context.codec.key, nowMs / 1000, context.settings.LEEWAY);
  if (cached !== undefined) return cached;
  const messages: Json[] = [];
  let first: TokenError | undefined;
  for (const className of context.settings.AUTH_TOKEN_CLASSES) {
    const type = TOKEN_CLASSES[className] ?? 'access';
    try {
      const claims = context.codec.verifySignature(raw, nowMs);
      // Sliding tokens are blacklist-aware in simplejwt; access tokens are not.
      if (type === 'sliding' && (await isTokenBlacklisted(context, claims))) throw new TokenError('blacklisted');
      context.codec.checkClaims(claims, type, nowMs);
      if (type === 'access') cache.set(raw, context.codec.key, claims);
      return claims;
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      first ??= error;
      messages.push({ token_class: className, token_type: type, message: error.message });
    }
  }
  throw TesseraError.of('token_not_valid_for_any_type', undefined, { messages }, first);
}

/**
 * Authenticates a request from its token header value. Apps call `tessera.authenticate(header)`,
 * which reports to the metrics too.
 *
 * @example
 * ```ts
 * const auth = await authenticateHeader(context, request.headers.authorization);
 * if (auth === undefined) throw TesseraError.of('not_authenticated');
 * ```
 * @internal
 */
export async function authenticateHeader(
  context: AuthenticationDependencies,
  header: string | undefined,
): Promise<AuthenticatedRequest | undefined> {
  const raw = rawTokenFromHeader(context, header);
  if (raw === undefined) return undefined;
  const claims = await validatedClaims(context, raw);
  const { settings, store } = context;
  if (!(settings.USER_ID_CLAIM in claims)) throw TesseraError.of('token_no_user_id');
  // The hot path: the per-process user cache answers most requests without a query.
  const user = await findUserByClaim(store, settings, claims[settings.USER_ID_CLAIM], (field, value) => store.findCachedUser(field, value));
  if (user === undefined) throw TesseraError.of('user_not_found');
  if (settings.CHECK_USER_IS_ACTIVE && !user.isActive) throw TesseraError.of('user_inactive');
  // Minted before the user's last cut-off (password change, demotion, logout-all): refused at
  // once. The user row (cached, invalidated on every cut-off) carries the version: no query.
  if (isCutOff(settings, claims, user)) throw refusedToken(context, new TokenError('cut_off'));
  // Its session was logged out (TOKEN_SESSION_CLAIM): the cache of revoked sessions answers.
  if (await namesRevokedSession(context, claims)) throw refusedToken(context, new TokenError('session_revoked'));
  // Groups and permissions come from the same cache (same TTL, same invalidation): one query on a miss, none on a hit.
  return { user: requestUserOf(user, await store.findCachedAuthorization(user.id)), claims };
}

/** A token that verified but was revoked since, answered as simplejwt answers an invalid one. */
function refusedToken(context: AuthenticationDependencies, error: TokenError): TesseraError {
  const className = context.settings.AUTH_TOKEN_CLASSES[0] ?? 'AccessToken';
  return TesseraError.of(
    'token_not_valid_for_any_type',
    undefined,
    { messages: [{ token_class: className, token_type: TOKEN_CLASSES[className] ?? 'access', message: error.message }] },
    error,
  );
}

/** The event of every accepted request: one shared object, so the hot path allocates none. */
const AUTHENTICATED: AuthEvent = Object.freeze({ action: 'request.authenticated' });
const NOT_AUTHENTICATED: AuthEvent = Object.freeze({ action: 'request.refused', detail: Object.freeze({ reason: 'not_authenticated' }) });

/** The stable reason a request's authentication failed: the token's own, or the error's code. */
export function refusalReason(error: unknown): string {
  return tokenErrorReasonOf(error) ?? (error instanceof TesseraError ? error.code : 'error');
}

/**
 * Authenticates a request to a protected route (`authenticate`: `authenticateHeader` or the
 * stateless one) and reports the outcome to the metrics: `ok`, `not_authenticated` when no
 * credentials came, or the refusal's precise reason. What the router and the adapters call.
 *
 * @example
 * ```ts
 * const auth = await authenticateAndReport(context, header, authenticateHeader);
 * ```
 */
export async function authenticateAndReport<T, Context extends Pick<AuthenticationDependencies, 'events'>>(
  context: Context,
  header: string | undefined,
  authenticate: (context: Context, header: string | undefined) => Promise<T | undefined>,
): Promise<T | undefined> {
  try {
    const value = await authenticate(context, header);
    void context.events.emit(value === undefined ? NOT_AUTHENTICATED : AUTHENTICATED);
    return value;
  } catch (error) {
    void context.events.emit({ action: 'request.refused', detail: { reason: refusalReason(error) } });
    throw error;
  }
}
