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
import type { User } from './user.js';

/**
 * A read-only view of the authenticated user: every field of {@link User} except `password`
 * (`id`, `username`, `email`, `firstName`, `lastName`, `isActive`, `isStaff`, `isSuperuser`,
 * `lastLogin`, `dateJoined`). A field added to `User` must be added to {@link requestUserOf}
 * too, or the build fails: nothing reaches handlers by accident.
 *
 * @example
 * ```ts
 * app.get('/me/', { preHandler: app.authenticate }, async (request) => request.user);
 * // {"id":1,"username":"ana","email":"ana@example.com","firstName":"Ana",...} (no "password")
 * ```
 */
export interface RequestUser extends Omit<User, 'password'> {}

/**
 * The view of `user` handlers receive: a frozen copy of the listed fields (a `User` from the
 * store goes in; the hash stays behind).
 *
 * @example
 * ```ts
 * const view = requestUserOf(await store.findUser('id', 1));
 * JSON.stringify(view).includes('argon2'); // false
 * ```
 */
export function requestUserOf(user: RequestUser): RequestUser {
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
  });
}
