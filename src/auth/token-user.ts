/**
 * Stateless authentication: simplejwt's `JWTStatelessUserAuthentication` and `TokenUser`. The
 * user is built from the validated token alone, so a service that only checks tokens (and has no
 * users table, or must not touch it on every request) can still protect its routes.
 *
 * What it gives up, on purpose, as simplejwt does: a deleted or deactivated user keeps access
 * until the access token expires (at most ACCESS_TOKEN_LIFETIME). Sliding tokens still consult
 * the blacklist, as simplejwt's do.
 */
import { TesseraError } from '../errors.js';
import type { Claims } from '../tokens/token-codec.js';
import { rawTokenFromHeader, validatedClaims, type AuthenticationDependencies } from './authenticate-request.js';

/**
 * simplejwt's `TokenUser`: who the token says the user is. `username`, `isStaff` and
 * `isSuperuser` come from claims of those names when a `customClaims` hook put them there.
 */
export interface TokenUser {
  /** The USER_ID_CLAIM's value, as the token carries it (simplejwt's `TokenUser.id`). */
  readonly id: number | string;
  /** The `username` claim, or `''`. */
  readonly username: string;
  /** The `is_staff` claim when it is a boolean, else `false`. */
  readonly isStaff: boolean;
  /** The `is_superuser` claim when it is a boolean, else `false`. */
  readonly isSuperuser: boolean;
  /** Always `true`: there is no account to check (simplejwt's `TokenUser.is_active`). */
  readonly isActive: true;
  /** Every claim of the validated token, for custom claims (simplejwt's `TokenUser.token`). */
  readonly claims: Claims;
}

/**
 * The `TokenUser` a validated token describes.
 *
 * @param claims Claims already validated (`verifier.verifyToken`, say): this checks nothing else.
 * @param userIdClaim The USER_ID_CLAIM setting: the claim that names the user.
 * @throws {TesseraError} `token_no_user_id` when the token has no USER_ID_CLAIM, or one that is
 *   neither a number nor a string (simplejwt would take any JSON value; such a token names nobody).
 *
 * @example
 * ```ts
 * const user = tokenUserFromClaims(await verifier.verifyToken(raw), 'user_id');
 * // { id: 7, username: 'kyoko', isStaff: false, isSuperuser: false, isActive: true, claims: {...} }
 * ```
 */
export function tokenUserFromClaims(claims: Claims, userIdClaim = 'user_id'): TokenUser {
  const id = claims[userIdClaim];
  if (typeof id !== 'number' && typeof id !== 'string') throw TesseraError.of('token_no_user_id');
  return {
    id,
    username: typeof claims.username === 'string' ? claims.username : '',
    isStaff: claims.is_staff === true,
    isSuperuser: claims.is_superuser === true,
    isActive: true,
    claims,
  };
}

/**
 * Authenticates a request from its token header value without looking the user up. Apps call
 * `tessera.authenticateStateless(header)`, which reports to the metrics too.
 *
 * Same contract as `authenticateHeader`: `undefined` when the header carries no credentials of
 * ours (answer "Authentication credentials were not provided."), a `TesseraError` for bad ones.
 * No user lookup happens, so there is no `user_not_found` or `user_inactive`.
 *
 * @param header The value of the AUTH_HEADER_NAME header (`Authorization` by default).
 * @example
 * ```ts
 * const user = await authenticateStateless(context, request.headers.authorization);
 * ```
 * @internal
 */
export async function authenticateStateless(
  context: AuthenticationDependencies,
  header: string | undefined,
): Promise<TokenUser | undefined> {
  const raw = rawTokenFromHeader(context, header);
  if (raw === undefined) return undefined;
  return tokenUserFromClaims(await validatedClaims(context, raw), context.settings.USER_ID_CLAIM);
}
