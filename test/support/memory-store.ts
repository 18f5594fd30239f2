/**
 * A complete `Store` in plain JavaScript maps: what "your own user store" looks like when it is
 * not SQL at all. It exists to prove the extension point: `createTessera({ store })` works with
 * any implementation of the interface, and this one passes the same conformance suite as SQLite.
 *
 * Every method runs without awaiting anything in between, so each is atomic in one process,
 * which is what the interface's concurrency rules ask of a store.
 */
import {
  UniqueViolationError,
  type NameRules,
  type OutstandingToken,
  type Store,
  type TokenRecord,
  type TokenState,
} from '../../src/model/store.js';
import type { NewUser, User, UserLookupField, UserPatch } from '../../src/model/user.js';
import { emailKey, foldedKey } from '../../src/model/usernames.js';
import { MemoryPermissions } from './memory-permissions.js';

interface TokenRow {
  /** Insertion order, the tie-breaker of listings (a SQL store's row id). */
  readonly seq: number;
  readonly jti: string;
  userId: number | null;
  readonly familyId: string | null;
  readonly createdAt: Date | null;
  readonly expiresAt: Date;
  blacklistedAt: Date | null;
  replacedBy: string | null;
}

interface FamilyRow {
  readonly userId: number | null;
  readonly createdAt: Date;
  revokedAt: Date | null;
}

function page<T>(rows: readonly T[], options: { limit?: number; offset?: number }): T[] {
  const offset = options.offset ?? 0;
  return rows.slice(offset, options.limit === undefined ? undefined : offset + options.limit);
}

function userIdFrom(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  return /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

export class MemoryStore implements Store {
  readonly #users = new Map<number, User>();
  readonly #tokens = new Map<string, TokenRow>();
  readonly #families = new Map<string, FamilyRow>();
  #nextUserId = 1;
  #nextSeq = 1;
  readonly permissions = new MemoryPermissions();
  /** How many times `findUser` was called, so tests can see a lookup that should not happen. */
  lookups = 0;

  async migrate(): Promise<void> {}

  async close(): Promise<void> {}

  // ---- users ----

  async findUser(field: UserLookupField, value: string | number): Promise<User | undefined> {
    this.lookups += 1;
    if (field === 'id') {
      const id = userIdFrom(value);
      return id === undefined ? undefined : this.#users.get(id);
    }
    const text = String(value);
    if (field === 'email' && text === '') return undefined;
    return [...this.#users.values()].find((user) => user[field] === text);
  }

  async createUser(user: NewUser, options: NameRules = {}): Promise<User> {
    this.#checkUnique(user.username, user.email ?? '', undefined);
    if (options.uniqueAfterFolding === true) this.#checkFolded(user.username, user.email ?? '', undefined);
    const created: User = {
      id: this.#nextUserId++,
      username: user.username,
      email: user.email ?? '',
      firstName: user.firstName ?? '',
      lastName: user.lastName ?? '',
      password: user.password,
      isActive: user.isActive ?? true,
      isStaff: user.isStaff ?? false,
      isSuperuser: user.isSuperuser ?? false,
      lastLogin: null,
      dateJoined: user.dateJoined ?? new Date(),
    };
    this.#users.set(created.id, created);
    return created;
  }

  async updateUser(id: number, patch: UserPatch, options: NameRules = {}): Promise<User | undefined> {
    const user = this.#users.get(id);
    if (user === undefined) return undefined;
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    const updated: User = { ...user, ...defined };
    this.#checkUnique(updated.username, updated.email, id);
    if (options.uniqueAfterFolding === true) this.#checkFolded(updated.username, updated.email, id);
    this.#users.set(id, updated);
    return updated;
  }

  async emailTaken(email: string): Promise<boolean> {
    return email !== '' && [...this.#users.values()].some((user) => user.email.toLowerCase() === email.toLowerCase());
  }

  async listUsers(options: { search?: string; limit?: number; offset?: number } = {}): Promise<User[]> {
    const search = options.search?.toLowerCase() ?? '';
    const matching = [...this.#users.values()]
      .filter(
        (user) =>
          search === '' || [user.username, user.email, user.firstName, user.lastName].some((text) => text.toLowerCase().includes(search)),
      )
      .sort((a, b) => a.id - b.id);
    return page(matching, options);
  }

  async cutOffTokens(userId: number, _now: Date): Promise<number> {
    const user = this.#users.get(userId);
    const version = (user?.tokenVersion ?? 0) + 1;
    if (user !== undefined) this.#users.set(userId, { ...user, tokenVersion: version });
    return version;
  }

  async deleteUser(id: number): Promise<boolean> {
    for (const token of this.#tokens.values()) if (token.userId === id) token.userId = null;
    this.permissions.forgetUser(id);
    return this.#users.delete(id);
  }

  /** `uniqueAfterFolding`: another user's name or email equal after NFKC and case folding is taken. */
  #checkFolded(username: string, email: string, exceptId: number | undefined): void {
    for (const other of this.#users.values()) {
      if (other.id === exceptId) continue;
      if (foldedKey(other.username) === foldedKey(username)) throw new UniqueViolationError('username');
      if (email !== '' && other.email !== '' && emailKey(other.email) === emailKey(email)) throw new UniqueViolationError('email');
    }
  }

  #checkUnique(username: string, email: string, exceptId: number | undefined): void {
    for (const other of this.#users.values()) {
      if (other.id === exceptId) continue;
      if (other.username === username) throw new UniqueViolationError('username');
      if (email !== '' && other.email.toLowerCase() === email.toLowerCase()) throw new UniqueViolationError('email');
    }
  }

  // ---- tokens ----

  async recordOutstanding(token: OutstandingToken): Promise<void> {
    this.#insertOutstanding(token);
  }

  async isBlacklisted(jti: string): Promise<boolean> {
    return (this.#tokens.get(jti)?.blacklistedAt ?? null) !== null;
  }

  async findTokenState(jti: string): Promise<TokenState | undefined> {
    const token = this.#tokens.get(jti);
    if (token === undefined) return undefined;
    const family = token.familyId === null ? undefined : this.#families.get(token.familyId);
    return {
      jti,
      userId: token.userId,
      familyId: token.familyId,
      familyCreatedAt: family?.createdAt ?? null,
      familyRevokedAt: family?.revokedAt ?? null,
      blacklistedAt: token.blacklistedAt,
      replacedBy: token.replacedBy,
      createdAt: token.createdAt,
      expiresAt: token.expiresAt,
    };
  }

  async startFamily(family: { id: string; userId: number | null; createdAt: Date }): Promise<void> {
    if (this.#families.has(family.id)) return;
    const userId = family.userId !== null && this.#users.has(family.userId) ? family.userId : null;
    this.#families.set(family.id, { userId, createdAt: family.createdAt, revokedAt: null });
  }

  async revokeFamily(familyId: string, now: Date, _reason: string): Promise<number> {
    const blacklisted = this.#blacklistWhere((token) => token.familyId === familyId, now);
    const family = this.#families.get(familyId);
    if (family !== undefined && family.revokedAt === null) family.revokedAt = now;
    return blacklisted;
  }

  async blacklist(token: OutstandingToken, now: Date): Promise<boolean> {
    const row = this.#insertOutstanding(token);
    if (row.blacklistedAt !== null) return false;
    row.blacklistedAt = now;
    return true;
  }

  async rotate(old: OutstandingToken, next: OutstandingToken, now: Date): Promise<boolean> {
    const oldRow = this.#tokens.get(old.jti);
    if (oldRow !== undefined && oldRow.blacklistedAt !== null) return false;
    const row = this.#insertOutstanding(old);
    row.blacklistedAt = now;
    row.replacedBy = next.jti;
    this.#insertOutstanding(next);
    return true;
  }

  async blacklistAllForUser(userId: number, now: Date): Promise<number> {
    const blacklisted = this.#blacklistWhere((token) => token.userId === userId && token.expiresAt > now, now);
    for (const family of this.#families.values()) if (family.userId === userId && family.revokedAt === null) family.revokedAt = now;
    return blacklisted;
  }

  async listTokens(options: { userId?: number; limit?: number; offset?: number } = {}): Promise<TokenRecord[]> {
    const rows = [...this.#tokens.values()]
      .filter((token) => options.userId === undefined || token.userId === options.userId)
      // Newest first, tokens without a creation time last, later insertions first among equals.
      .sort((a, b) => (b.createdAt?.getTime() ?? -Infinity) - (a.createdAt?.getTime() ?? -Infinity) || b.seq - a.seq);
    return page(rows, options).map((row) => ({
      jti: row.jti,
      userId: row.userId,
      familyId: row.familyId,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      blacklistedAt: row.blacklistedAt,
    }));
  }

  async flushExpired(now: Date): Promise<number> {
    let flushed = 0;
    for (const [jti, token] of this.#tokens) {
      if (token.expiresAt > now) continue;
      this.#tokens.delete(jti);
      flushed += 1;
    }
    return flushed;
  }

  /** Records `token` unless its jti is known (the stored row wins); unknown users become `null`. */
  #insertOutstanding(token: OutstandingToken): TokenRow {
    const existing = this.#tokens.get(token.jti);
    if (existing !== undefined) return existing;
    const row: TokenRow = {
      seq: this.#nextSeq++,
      jti: token.jti,
      userId: token.userId !== null && this.#users.has(token.userId) ? token.userId : null,
      familyId: token.familyId,
      createdAt: token.createdAt,
      expiresAt: token.expiresAt,
      blacklistedAt: null,
      replacedBy: null,
    };
    this.#tokens.set(token.jti, row);
    return row;
  }

  #blacklistWhere(matches: (token: TokenRow) => boolean, now: Date): number {
    let blacklisted = 0;
    for (const token of this.#tokens.values()) {
      if (token.blacklistedAt !== null || !matches(token)) continue;
      token.blacklistedAt = now;
      blacklisted += 1;
    }
    return blacklisted;
  }
}
