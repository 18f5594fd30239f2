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
 * `isSuperuser` come from claims of those names when a `customClaims` hook put them there;
 * `groups` and `hasPermission` from TOKEN_GROUPS_CLAIM and TOKEN_PERMISSIONS_CLAIM when the
 * signer sets them (the same API as `request.user`, so a handler works with either).
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
  /** The TOKEN_GROUPS_CLAIM's group names (its strings), or none when the setting or the claim is absent. */
  readonly groups: readonly string[];
  /**
   * Whether the token grants `'app_label.codename'`: a superuser (an `is_superuser: true` claim)
   * has every permission, as in Django; anyone else those the TOKEN_PERMISSIONS_CLAIM lists.
   *
   * @example
   * ```ts
   * if (!tokenUser.hasPermission('blog.publish_post')) throw TesseraError.of('permission_denied');
   * ```
   */
  hasPermission(permission: string): boolean;
  /** Whether the token grants every one of `permissions` (Django's `has_perms`). */
  hasPermissions(...permissions: string[]): boolean;
  /** Whether the token names at least one of these groups. */
  inGroup(...groups: string[]): boolean;
}

/** The settings a `TokenUser` reads: the user id claim, and the claims carrying groups and permissions. */
export interface TokenUserSettings {
  readonly USER_ID_CLAIM: string;
  readonly TOKEN_GROUPS_CLAIM: string | null;
  readonly TOKEN_PERMISSIONS_CLAIM: string | null;
}

/** The strings of a claim that should be a list of them (anything else in it is ignored). */
function stringsOf(claims: Claims, name: string | null): readonly string[] {
  const value = name === null ? undefined : claims[name];
  return Object.freeze(Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
}

/**
 * The `TokenUser` a validated token describes.
 *
 * @param claims Claims already validated (`verifier.verifyToken`, say): this checks nothing else.
 * @param settings USER_ID_CLAIM (default `'user_id'`), TOKEN_GROUPS_CLAIM and TOKEN_PERMISSIONS_CLAIM
 *   (default `null`: no groups, no permissions), as the signer sets them.
 * @throws {TesseraError} `token_no_user_id` when the token has no USER_ID_CLAIM, or one that is
 *   neither a number nor a string (simplejwt would take any JSON value; such a token names nobody).
 *
 * @example
 * ```ts
 * const user = tokenUserFromClaims(await verifier.verifyToken(raw), { TOKEN_GROUPS_CLAIM: 'groups' });
 * // { id: 7, username: 'kyoko', isStaff: false, isSuperuser: false, isActive: true, claims: {...}, groups: ['editors'] }
 * ```
 */
export function tokenUserFromClaims(claims: Claims, settings: Partial<TokenUserSettings> = {}): TokenUser {
  const { USER_ID_CLAIM = 'user_id', TOKEN_GROUPS_CLAIM = null, TOKEN_PERMISSIONS_CLAIM = null } = settings;
  const id = claims[USER_ID_CLAIM];
  if (typeof id !== 'number' && typeof id !== 'string') throw TesseraError.of('token_no_user_id');
  const isSuperuser = claims.is_superuser === true;
  const groups = stringsOf(claims, TOKEN_GROUPS_CLAIM);
  const held = new Set(stringsOf(claims, TOKEN_PERMISSIONS_CLAIM));
  // Always active (there is no account to check), so only the superuser rule applies.
  const hasPermission = (permission: string): boolean => isSuperuser || held.has(permission);
  return {
    id,
    username: typeof claims.username === 'string' ? claims.username : '',
    isStaff: claims.is_staff === true,
    isSuperuser,
    isActive: true,
    claims,
    groups,
    hasPermission,
    hasPermissions: (...permissions: string[]) => permissions.every(hasPermission),
    inGroup: (...names: string[]) => names.some((name) => groups.includes(name)),
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
  context: AuthenticationDependencies & { readonly settings: TokenUserSettings },
  header: string | undefined,
): Promise<TokenUser | undefined> {
  const raw = rawTokenFromHeader(context, header);
  if (raw === undefined) return undefined;
  return tokenUserFromClaims(await validatedClaims(context, raw), context.settings);
}
