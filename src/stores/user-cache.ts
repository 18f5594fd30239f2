/**
 * A per-process cache of users by id, in front of any `Store`, for the hot path: every
 * authenticated request looks its user up (simplejwt does one query per request).
 *
 * Correctness: writes through this store (`updateUser`, `deleteUser`) drop the entry at once,
 * so in one process a deactivated user is refused on the very next request. Changes made by
 * another process are seen within `ttlSeconds`, or at once when an invalidation bus (Redis
 * pub/sub, cluster messages) calls `invalidate`. Misses are not cached: a new user is found
 * immediately.
 */
import type { Store } from '../model/store.js';
import type { User, UserLookupField } from '../model/user.js';

export interface UserCacheOptions {
  /** How long an entry may serve before it is read again. @default 5 */
  readonly ttlSeconds: number;
  /** Most users kept; the least recently stored go first. @default 10000 */
  readonly maxEntries?: number;
  /** The clock in milliseconds. @default Date.now */
  readonly now?: () => number;
}

export interface CachedStore extends Store {
  /**
   * `findUser`, answered from the cache when it can be: for request authentication only. Logins,
   * refreshes and admin screens read the database (`findUser`), where freshness matters more.
   */
  findCachedUser(field: UserLookupField, value: string | number): Promise<User | undefined>;
  /** Drops a user (or, without an id, every user) from this process's cache. */
  invalidateUser(id?: number): void;
  /** Called after this process changed a user, so other processes can be told. */
  onUserChanged(listener: (id: number) => void): void;
}

interface Entry {
  readonly user: User;
  readonly expiresAt: number;
}

/**
 * Wraps `store` with the user cache. Every other method passes straight through, so stores
 * that grow new methods need no change here.
 */
export function withUserCache(store: Store, options: UserCacheOptions): CachedStore {
  const ttlMs = options.ttlSeconds * 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<number, Entry>();
  const listeners: ((id: number) => void)[] = [];

  const invalidateUser = (id?: number): void => {
    if (id === undefined) entries.clear();
    else entries.delete(id);
  };
  const changed = (id: number): void => {
    invalidateUser(id);
    for (const listener of listeners) listener(id);
  };

  const findUser = async (field: UserLookupField, value: string | number): Promise<User | undefined> => {
    if (ttlMs <= 0 || field !== 'id' || typeof value !== 'number') return store.findUser(field, value);
    const entry = entries.get(value);
    if (entry !== undefined && entry.expiresAt > now()) return entry.user;
    const user = await store.findUser(field, value);
    if (user !== undefined) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value ?? -1);
      entries.set(value, { user, expiresAt: now() + ttlMs });
    }
    return user;
  };

  const overrides: Partial<CachedStore> = {
    findCachedUser: findUser,
    invalidateUser,
    onUserChanged: (listener) => void listeners.push(listener),
    updateUser: async (id, patch, options) => {
      const user = await store.updateUser(id, patch, options);
      changed(id);
      return user;
    },
    deleteUser: async (id) => {
      const deleted = await store.deleteUser(id);
      changed(id);
      return deleted;
    },
  };
  const replacePassword = store.replacePassword?.bind(store);
  // Only a store that can change passwords gets the wrapper: `hasAccountStore` looks for the method.
  if (replacePassword !== undefined) {
    overrides.replacePassword = async (id, expected, next) => {
      const replaced = await replacePassword(id, expected, next);
      changed(id);
      return replaced;
    };
  }
  return new Proxy(store, {
    get(target, property, receiver) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof CachedStore];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as CachedStore;
}
