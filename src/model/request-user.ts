/**
 * The user a request is authenticated as, as handlers see it (`request.user` in Fastify,
 * `req.user` in Express, `c.get('user')` in Hono, the router's `auth.user`): Django's
 * `request.user`, minus what a handler must never hold. The password hash is not on it, so
 * returning it as JSON or logging it cannot leak the hash; only the fields listed here are
 * copied, so a column added to the store later does not reach handlers by accident.
 *
 * Permissions hang from this view (`groups`, `hasPermission(codename)`): they are filled in when
 * the request is authenticated, never looked up lazily from a handler.
 */
import { NO_AUTHORIZATION, type UserAuthorization } from './permissions.js';
import type { User } from './user.js';

/** A user's fields without the password hash: what `customClaims` and the login hooks are given. */
export type UserFields = Omit<User, 'password'>;

/**
 * A read-only view of the authenticated user: every field of {@link User} except `password`
 * (`id`, `username`, `email`, `firstName`, `lastName`, `isActive`, `isStaff`, `isSuperuser`,
 * `lastLogin`, `dateJoined`), plus Django's groups and permissions, loaded with the user (from
 * the user cache: no query per check). A field added to `User` must be added to
 * {@link requestUserOf} too, or the build fails: nothing reaches handlers by accident.
 *
 * @example
 * ```ts
 * app.get('/me/', { preHandler: app.authenticate }, async (request) => request.user);
 * // {"id":1,"username":"ana","email":"ana@example.com","firstName":"Ana",...,"groups":["editors"]} (no "password")
 * if (request.user.hasPermission('blog.add_post')) { ... }
 * ```
 */
export interface RequestUser extends UserFields {
  /** Names of the user's groups, sorted (Django's `user.groups`). */
  readonly groups: readonly string[];
  /**
   * Django's `user.has_perm('app_label.codename')`: `true` for an active superuser, `false` for
   * an inactive user, else whether the user has it directly or through a group.
   *
   * @example
   * ```ts
   * request.user.hasPermission('blog.change_post');
   * ```
   */
  hasPermission(permission: string): boolean;
  /**
   * Django's `user.has_perms([...])`: whether the user has every one of them.
   *
   * @example
   * ```ts
   * request.user.hasPermissions('blog.add_post', 'blog.change_post');
   * ```
   */
  hasPermissions(...permissions: string[]): boolean;
  /**
   * Whether the user is in at least one of these groups.
   *
   * @example
   * ```ts
   * request.user.inGroup('editors', 'admins');
   * ```
   */
  inGroup(...groups: string[]): boolean;
}

/**
 * The view of `user` handlers receive: a frozen copy of the listed fields (a `User` from the
 * store goes in; the hash stays behind), with the user's groups and permissions.
 *
 * @example
 * ```ts
 * const view = requestUserOf(await store.findUser('id', 1), { groups: ['editors'], permissions: ['blog.add_post'] });
 * JSON.stringify(view).includes('argon2'); // false
 * view.hasPermission('blog.add_post'); // true (when the user is active)
 * ```
 */
export function requestUserOf(user: UserFields, authorization: UserAuthorization = NO_AUTHORIZATION): RequestUser {
  const held = new Set(authorization.permissions);
  const groups = Object.freeze([...authorization.groups]);
  const hasPermission = (permission: string): boolean => user.isActive && (user.isSuperuser || held.has(permission));
  return Object.freeze({
    id: user.id,
    username: user.username,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    isActive: user.isActive,
    isStaff: user.isStaff,
    isSuperuser: user.isSuperuser,
    lastLogin: user.lastLogin,
    dateJoined: user.dateJoined,
    groups,
    hasPermission,
    hasPermissions: (...permissions: string[]) => permissions.every(hasPermission),
    inGroup: (...names: string[]) => names.some((name) => groups.includes(name)),
  });
}
