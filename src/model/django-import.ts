/**
 * What `tessera import-django` hands the store to write, already validated: users with their
 * Django ids (tokens name users by id), and groups, permissions and tokens by their natural keys
 * (a permission by app label, model and codename; a group by name; a token by jti), so writing
 * it twice changes nothing the second time.
 */
import type { User } from './user.js';

/**
 * A user as Django had it: `User`'s fields (Django's `auth.User`, column for column), whose
 * `password` is Django's encoded password as stored (any format, or `!...` for unusable), plus
 * where the row came from.
 */
export interface ImportedUser extends Omit<User, 'tokenVersion'> {
  /** Where it came from, for messages (`auth_user id=5`). */
  readonly source: string;
}

/** A permission by its natural key (Django's `Permission.natural_key()`), and its display name. */
export interface ImportedPermission {
  readonly appLabel: string;
  readonly model: string;
  readonly codename: string;
  readonly name: string;
}

/** A group and its permissions. */
export interface ImportedGroup {
  readonly name: string;
  readonly permissions: readonly ImportedPermission[];
}

/** A refresh (or sliding) token simplejwt issued: its jti and dates, never its text. */
export interface ImportedToken {
  readonly source: string;
  readonly jti: string;
  readonly userId: number | null;
  readonly createdAt: Date | null;
  readonly expiresAt: Date;
  /** When Django blacklisted it, or `null`. */
  readonly blacklistedAt: Date | null;
}

export interface DjangoImportBatch {
  readonly users: readonly ImportedUser[];
  /** Every permission of the source, whether or not a group uses it. */
  readonly permissions: readonly ImportedPermission[];
  readonly groups: readonly ImportedGroup[];
  readonly userGroups: readonly { readonly userId: number; readonly group: string }[];
  readonly userPermissions: readonly { readonly userId: number; readonly permission: ImportedPermission }[];
  readonly tokens: readonly ImportedToken[];
}

/** How many rows of one kind the import created and how many were already there (or updated). */
export interface ImportCount {
  created: number;
  updated: number;
  unchanged: number;
}

/** What writing a batch did, per kind of row. */
export interface DjangoImportCounts {
  readonly users: ImportCount;
  readonly groups: ImportCount;
  readonly permissions: ImportCount;
  /** Group-permission, user-group and user-permission links. */
  readonly links: ImportCount;
  readonly tokens: ImportCount;
  readonly blacklisted: ImportCount;
}

/**
 * A Tessera user the import changed whose tokens it cut off (`store.cutOffTokens`, in the same
 * transaction): their password or active status changed, or (with REVOKE_ON_PRIVILEGE_CHANGE)
 * their staff or superuser status, groups or permissions, as everywhere else in Tessera.
 */
export interface ImportCutOff {
  readonly userId: number;
  readonly username: string;
  readonly email: string;
  /** The user's token version after the cut-off. */
  readonly version: number;
  /** What changed: `password`, `is_active`, `is_staff`, `is_superuser`, `groups`, `permissions`. */
  readonly changed: readonly string[];
}

/** What writing a batch did: the counts, and what running servers must hear about. */
export interface DjangoImportWritten extends DjangoImportCounts {
  /** Users already in Tessera that the import changed (their rows, groups or permissions): caches must drop them. */
  readonly changedUsers: readonly number[];
  /** Those of them whose tokens were cut off. */
  readonly cutOff: readonly ImportCutOff[];
}

/** Phases the writer reports progress in. */
export type ImportPhase = 'users' | 'groups' | 'tokens';

/** Writing options. */
export interface DjangoImportWriteOptions {
  /** Do everything, then roll back: the counts say what a real run would do. */
  readonly dryRun: boolean;
  /** Called as rows are written (for a progress bar). */
  readonly onProgress?: (phase: ImportPhase, done: number, total: number) => void;
  /** The time of the cut-offs. @default new Date() */
  readonly now?: Date;
  /**
   * REVOKE_ON_PRIVILEGE_CHANGE: also cut off users whose staff or superuser status, groups or
   * permissions changed (a changed password or active status always cuts off). @default true
   */
  readonly revokeOnPrivilegeChange?: boolean;
}

/** A store that can take an import, in one transaction. */
export interface DjangoImportStore {
  /**
   * Writes `batch` in one transaction: everything or, on the first error, nothing. Users are
   * matched by id (created, updated or left alone), the rest by natural key; nothing is
   * deleted. Users already in Tessera whose password or active status changed have their tokens
   * cut off in the same transaction (and, with `revokeOnPrivilegeChange`, those whose staff or
   * superuser status, groups or permissions changed). Throws `ImportRowError` naming the row that cannot go in (a username or email
   * another Tessera user has).
   */
  importDjango(batch: DjangoImportBatch, options: DjangoImportWriteOptions): Promise<DjangoImportWritten>;
}
