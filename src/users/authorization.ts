/**
 * A user with their groups and permissions, read fresh from the store (logins, refreshes,
 * hooks). Request authentication reads them through the user cache instead
 * (`CachedStore.findCachedAuthorization`).
 */
import { NO_AUTHORIZATION, type UserAuthorization } from '../model/permissions.js';
import { requestUserOf, type RequestUser, type UserFields } from '../model/request-user.js';
import type { Store } from '../model/store.js';

/** The user's groups and permissions as stored; none when the store keeps none. */
export async function authorizationOf(store: Pick<Store, 'permissions'>, userId: number): Promise<UserAuthorization> {
  return (await store.permissions?.authorizationOf(userId)) ?? NO_AUTHORIZATION;
}

/**
 * `user` as handlers and hooks see it, with groups and permissions read from the store.
 *
 * @example
 * ```ts
 * await hooks.onLoginSuccess?.(await requestUserFromStore(store, user), info);
 * ```
 */
export async function requestUserFromStore(store: Pick<Store, 'permissions'>, user: UserFields): Promise<RequestUser> {
  return requestUserOf(user, await authorizationOf(store, user.id));
}
