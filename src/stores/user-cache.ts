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
import type { DjangoImportStore } from '../model/django-import.js';
import type {
  AccountStore,
  AuditTrail,
  ConsoleSignInStore,
  HealthStore,
  KeyStore,
  NameRules,
  OutstandingToken,
  RefreshReadStore,
  RevocationStore,
  Store,
  TokenRecord,
  TokenState,
} from '../model/store.js';
import type { NewUser, User, UserLookupField, UserPatch } from '../model/user.js';
import { RevokedSessionCache } from './revoked-session-cache.js';
import { NO_AUTHORIZATION, type PermissionStore, type UserAuthorization } from '../model/permissions.js';
import { invalidatingPermissions } from './invalidating-permissions.js';

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
  /**
   * The user's groups and permissions, answered from the cache when it can be (same TTL and
   * invalidation as the user: any change through `permissions` drops it everywhere). For
   * request authentication only.
   */
  findCachedAuthorization(userId: number): Promise<UserAuthorization>;
  /** Drops a user (or, without an id, every user) from this process's cache. */
  invalidateUser(id?: number): void;
  /** Called after this process changed a user, so other processes can be told. */
  onUserChanged(listener: (id: number) => void): void;
  /**
   * Whether the session (refresh family) `id` is revoked, answered from this process's cache
   * when it can be (`stores/revoked-session-cache.ts`): for request authentication. `false` when
   * the store keeps no revocations.
   */
  isSessionRevoked(id: string): Promise<boolean>;
  /** Notes that another process revoked session `id` (the invalidation bus calls it). */
  sessionRevoked(id: string): void;
  /** Called after this process revoked a session, so other processes can be told. */
  onSessionRevoked(listener: (id: string) => void): void;
  /** Called after this process cut off a user's tokens (the revocation feed's push). */
  onTokensCutOff(listener: (cutOff: { userId: number; version: number; at: Date }) => void): void;
}

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/**
 * Wraps `store` with the user cache. A plain wrapper: every `Store` method is written out, so a
 * method added to `Store` is a compile error here until it is passed on (or cached) on purpose.
 */
export function withUserCache(store: Store, options: UserCacheOptions): CachedStore {
  return new UserCachingStore(store, options);
}

class UserCachingStore implements CachedStore {
  readonly #inner: Store;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<number, Entry<User>>();
  readonly #authorizations = new Map<number, Entry<UserAuthorization>>();
  /**
   * Counts invalidations. A read that began before one may hold the row as it was before the
   * change (on PostgreSQL the query can be in flight while another instance commits and Redis
   * relays the invalidation); it is answered but not stored, or it would serve the old row (an
   * old token version, a removed group) for a whole TTL after the invalidation.
   */
  #generation = 0;
  readonly #listeners: ((id: number) => void)[] = [];
  readonly #sessions: RevokedSessionCache | undefined;
  readonly #sessionListeners: ((id: string) => void)[] = [];
  readonly #cutOffListeners: ((cutOff: { userId: number; version: number; at: Date }) => void)[] = [];
  readonly revocations: RevocationStore | undefined;
  readonly audit: AuditTrail | undefined;
  readonly consoleSignIns: ConsoleSignInStore | undefined;
  readonly keys: KeyStore | undefined;
  readonly permissions: PermissionStore | undefined;
  // Optional methods stay absent when the inner store lacks them (`hasAccountStore` and the
  // readiness probe look for them).
  readonly findUserByEmail?: AccountStore['findUserByEmail'];
  readonly replacePassword?: AccountStore['replacePassword'];
  readonly findEmailAddress?: AccountStore['findEmailAddress'];
  readonly findEmailAddressById?: AccountStore['findEmailAddressById'];
  readonly addEmailAddress?: AccountStore['addEmailAddress'];
  readonly verifyEmailAddress?: AccountStore['verifyEmailAddress'];
  readonly listEmailAddresses?: AccountStore['listEmailAddresses'];
  readonly importDjango?: DjangoImportStore['importDjango'];
  readonly ping?: HealthStore['ping'];
  readonly pendingMigrations?: HealthStore['pendingMigrations'];
  // Passed on uncached: a refresh reads the database (see `findCachedUser`).
  readonly findTokenStateAndUser?: RefreshReadStore['findTokenStateAndUser'];

  constructor(inner: Store, options: UserCacheOptions) {
    this.#inner = inner;
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.audit = inner.audit;
    this.consoleSignIns = inner.consoleSignIns;
    this.keys = inner.keys;
    // A change of groups or permissions is a user change for every user it touched.
    this.permissions = inner.permissions && invalidatingPermissions(inner.permissions, (id) => this.#changed(id));
    this.revocations = inner.revocations;
    this.#sessions =
      inner.revocations === undefined ? undefined : new RevokedSessionCache(inner.revocations, { ttlMs: this.#ttlMs, now: this.#now });
    this.findUserByEmail = inner.findUserByEmail?.bind(inner);
    const replacePassword = inner.replacePassword?.bind(inner);
    // A password change is a user change: drop the entry and tell the other processes.
    if (replacePassword !== undefined) {
      this.replacePassword = async (id, expected, next) => {
        const replaced = await replacePassword(id, expected, next);
        this.#changed(id);
        return replaced;
      };
    }
    this.findEmailAddress = inner.findEmailAddress?.bind(inner);
    this.findEmailAddressById = inner.findEmailAddressById?.bind(inner);
    this.addEmailAddress = inner.addEmailAddress?.bind(inner);
    this.verifyEmailAddress = inner.verifyEmailAddress?.bind(inner);
    this.listEmailAddresses = inner.listEmailAddresses?.bind(inner);
    const importDjango = inner.importDjango?.bind(inner);
    // An import that changed users already here (and cut some off) is a user change for each.
    if (importDjango !== undefined) {
      this.importDjango = async (batch, options) => {
        const written = await importDjango(batch, options);
        if (options.dryRun) return written;
        for (const id of written.changedUsers) this.#changed(id);
        const at = options.now ?? new Date();
        for (const { userId, version } of written.cutOff) for (const listener of this.#cutOffListeners) listener({ userId, version, at });
        return written;
      };
    }
    this.ping = inner.ping?.bind(inner);
    this.pendingMigrations = inner.pendingMigrations?.bind(inner);
    this.findTokenStateAndUser = inner.findTokenStateAndUser?.bind(inner);
  }

  // ---- the cache ----

  async findCachedUser(field: UserLookupField, value: string | number): Promise<User | undefined> {
    if (this.#ttlMs <= 0 || field !== 'id' || typeof value !== 'number') return this.#inner.findUser(field, value);
    const entry = this.#entries.get(value);
    if (entry !== undefined && entry.expiresAt > this.#now()) return entry.value;
    const generation = this.#generation;
    const user = await this.#inner.findUser(field, value);
    if (user !== undefined && generation === this.#generation) this.#remember(this.#entries, value, user);
    return user;
  }

  async findCachedAuthorization(userId: number): Promise<UserAuthorization> {
    const permissions = this.#inner.permissions;
    if (permissions === undefined) return NO_AUTHORIZATION;
    if (this.#ttlMs <= 0) return permissions.authorizationOf(userId);
    const entry = this.#authorizations.get(userId);
    if (entry !== undefined && entry.expiresAt > this.#now()) return entry.value;
    const generation = this.#generation;
    const authorization = await permissions.authorizationOf(userId);
    if (generation === this.#generation) this.#remember(this.#authorizations, userId, authorization);
    return authorization;
  }

  #remember<T>(entries: Map<number, Entry<T>>, id: number, value: T): void {
    if (entries.size >= this.#maxEntries) entries.delete(entries.keys().next().value ?? -1);
    entries.set(id, { value, expiresAt: this.#now() + this.#ttlMs });
  }

  invalidateUser(id?: number): void {
    this.#generation++;
    if (id === undefined) {
      this.#entries.clear();
      this.#authorizations.clear();
    } else {
      this.#entries.delete(id);
      this.#authorizations.delete(id);
    }
  }

  onUserChanged(listener: (id: number) => void): void {
    this.#listeners.push(listener);
  }

  async isSessionRevoked(id: string): Promise<boolean> {
    return (await this.#sessions?.isRevoked(id)) ?? false;
  }

  sessionRevoked(id: string): void {
    this.#sessions?.markRevoked(id);
  }

  onSessionRevoked(listener: (id: string) => void): void {
    this.#sessionListeners.push(listener);
  }

  onTokensCutOff(listener: (cutOff: { userId: number; version: number; at: Date }) => void): void {
    this.#cutOffListeners.push(listener);
  }

  #changed(id: number): void {
    this.invalidateUser(id);
    for (const listener of this.#listeners) listener(id);
  }

  // ---- writes that change a user: drop the entry, tell the other processes ----

  async updateUser(id: number, patch: UserPatch, options?: NameRules): Promise<User | undefined> {
    const user = await this.#inner.updateUser(id, patch, options);
    this.#changed(id);
    return user;
  }

  async cutOffTokens(userId: number, now: Date): Promise<number> {
    const version = await this.#inner.cutOffTokens(userId, now);
    // The cached user holds the old version: drop it here and in every other process.
    this.#changed(userId);
    for (const listener of this.#cutOffListeners) listener({ userId, version, at: now });
    return version;
  }

  async deleteUser(id: number): Promise<boolean> {
    const deleted = await this.#inner.deleteUser(id);
    this.#changed(id);
    return deleted;
  }

  // ---- everything else, passed on ----

  findUser(field: UserLookupField, value: string | number): Promise<User | undefined> {
    return this.#inner.findUser(field, value);
  }
  createUser(user: NewUser, options?: NameRules): Promise<User> {
    return this.#inner.createUser(user, options);
  }
  emailTaken(email: string): Promise<boolean> {
    return this.#inner.emailTaken(email);
  }
  listUsers(options?: { search?: string; limit?: number; offset?: number }): Promise<User[]> {
    return this.#inner.listUsers(options);
  }
  recordOutstanding(token: OutstandingToken): Promise<void> {
    return this.#inner.recordOutstanding(token);
  }
  isBlacklisted(jti: string): Promise<boolean> {
    return this.#inner.isBlacklisted(jti);
  }
  findTokenState(jti: string): Promise<TokenState | undefined> {
    return this.#inner.findTokenState(jti);
  }
  startFamily(family: { id: string; userId: number | null; createdAt: Date }): Promise<void> {
    return this.#inner.startFamily(family);
  }
  async revokeFamily(familyId: string, now: Date, reason: string): Promise<number> {
    const revoked = await this.#inner.revokeFamily(familyId, now, reason);
    this.#sessionsRevoked([familyId]);
    return revoked;
  }
  blacklist(token: OutstandingToken, now: Date): Promise<boolean> {
    return this.#inner.blacklist(token, now);
  }
  rotate(old: OutstandingToken, next: OutstandingToken, now: Date): Promise<boolean> {
    return this.#inner.rotate(old, next, now);
  }
  async blacklistAllForUser(userId: number, now: Date): Promise<number> {
    // It revokes every session of the user in the database: the sessions, read first, are told
    // as `revokeFamily` tells one (logout-all, the console's "Blacklist all").
    const sessions = new Set((await this.#inner.listTokens({ userId })).flatMap((token) => token.familyId ?? []));
    const blacklisted = await this.#inner.blacklistAllForUser(userId, now);
    this.#sessionsRevoked(sessions);
    return blacklisted;
  }

  /** Sessions' access tokens are refused here at once, and in every other process once told. */
  #sessionsRevoked(ids: Iterable<string>): void {
    for (const id of ids) {
      this.sessionRevoked(id);
      for (const listener of this.#sessionListeners) listener(id);
    }
  }
  listTokens(options?: { userId?: number; limit?: number; offset?: number }): Promise<TokenRecord[]> {
    return this.#inner.listTokens(options);
  }
  flushExpired(now: Date): Promise<number> {
    return this.#inner.flushExpired(now);
  }
  migrate(): Promise<void> {
    return this.#inner.migrate();
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}
