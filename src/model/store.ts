/**
 * The storage contract. Everything Tessera persists goes through these async interfaces, so
 * SQLite (the embedded default) and PostgreSQL implement the same behaviour, checked by one
 * conformance suite (`test/stores/conformance.ts`).
 *
 * Concurrency rules every implementation must keep:
 * - `createUser` is atomic with its uniqueness checks (a unique index, not check-then-insert).
 * - `blacklist` and `rotate` decide the winner inside the database: of N concurrent calls for
 *   one `jti`, exactly one returns `true`.
 */
import type { DjangoImportStore } from './django-import.js';
import type { NewUser, User, UserLookupField, UserPatch } from './user.js';

/** A refresh or sliding token the server issued (simplejwt's `OutstandingToken`). */
export interface OutstandingToken {
  /** The token's `jti`: 32 lowercase hex digits for tokens Tessera mints. */
  readonly jti: string;
  /** The user it was issued to, when known (tokens minted elsewhere may name no local user). */
  readonly userId: number | null;
  /** The session (login) this token descends from; rotation keeps it. `null` for tokens minted elsewhere. */
  readonly familyId: string | null;
  readonly createdAt: Date | null;
  readonly expiresAt: Date;
}

/** An outstanding token plus its blacklist state, as listings (admin, CLI) show it. */
export interface TokenRecord extends OutstandingToken {
  readonly blacklistedAt: Date | null;
}

/** What the server knows of one issued refresh or sliding token, for rotation decisions. */
export interface TokenState {
  readonly jti: string;
  readonly userId: number | null;
  readonly familyId: string | null;
  /** When the family (the login session) began; `null` when the token has no family. */
  readonly familyCreatedAt: Date | null;
  /** When the family was revoked (reuse detected, logout-all), or `null`. */
  readonly familyRevokedAt: Date | null;
  readonly blacklistedAt: Date | null;
  /** The jti that replaced this token at rotation, or `null` when it was never rotated. */
  readonly replacedBy: string | null;
  /** When the token was issued, when recorded (its `iat`, to the millisecond). */
  readonly createdAt: Date | null;
  readonly expiresAt: Date;
}

/** Raised by `createUser` when a unique field is taken. */
export class UniqueViolationError extends Error {
  readonly field: 'username' | 'email';
  constructor(field: 'username' | 'email') {
    super(`A user with this ${field} already exists.`);
    this.name = 'UniqueViolationError';
    this.field = field;
  }
}

/** How strictly a new or changed username and email must differ from other users'. */
export interface NameRules {
  /** Refuse names equal to another user's after case folding (issue 12 §7). @default false */
  readonly uniqueAfterFolding?: boolean;
}

export interface UserStore {
  /** The user whose `field` equals `value` exactly (case-sensitive, as Django's ModelBackend). */
  findUser(field: UserLookupField, value: string | number): Promise<User | undefined>;
  /**
   * Inserts a user; throws `UniqueViolationError` naming the field when username or email is
   * taken. With `uniqueAfterFolding`, also when another user's username equals this one after
   * NFKC and case folding, or their email after case folding (registration and the console;
   * imports keep Django's exact rule). Stores that do not keep folded names ignore the option.
   */
  createUser(user: NewUser, options?: NameRules): Promise<User>;
  /** Changes some fields; returns the updated user, or `undefined` when there is no such user. */
  updateUser(id: number, patch: UserPatch, options?: NameRules): Promise<User | undefined>;
  /** Whether any user has this email (case-insensitive, as registration checks it). */
  emailTaken(email: string): Promise<boolean>;
  /** Users ordered by id, optionally filtered by a substring of username, email or names. */
  listUsers(options?: { search?: string; limit?: number; offset?: number }): Promise<User[]>;
  deleteUser(id: number): Promise<boolean>;
  /**
   * Cuts off every token already issued to the user: raises their token version by one and
   * stamps the cut-off `now`, atomically (concurrent cut-offs each count). Returns the new
   * version, which tokens minted from now on carry.
   */
  cutOffTokens(userId: number, now: Date): Promise<number>;
}

/** A user's email address and whether it is verified (django-allauth's `EmailAddress`, migration 0007). */
export interface EmailAddress {
  readonly id: number;
  readonly userId: number;
  /** Lowercased, as django-allauth stores it. */
  readonly email: string;
  readonly verified: boolean;
  readonly primary: boolean;
}

/**
 * Account recovery: password change and reset, email verification (issue 16, migration 0007).
 * Optional on `Store`: with a store without it (your own user store), Tessera serves the token
 * endpoints and registration only, and says so at start-up.
 */
export interface AccountStore {
  /** The user with this email, compared case-insensitively (Django's `email__iexact`); '' names nobody. */
  findUserByEmail(email: string): Promise<User | undefined>;
  /**
   * Sets a user's password hash only if it is still `expected` (compare-and-set): of concurrent
   * changes from one state, exactly one returns `true`. This keeps a password-reset token
   * single-use under a burst (the token is bound to the old hash).
   */
  replacePassword(id: number, expected: string, next: string): Promise<boolean>;
  /** The row of `userId` for `email` (compared lowercased), or `undefined`. */
  findEmailAddress(userId: number, email: string): Promise<EmailAddress | undefined>;
  findEmailAddressById(id: number): Promise<EmailAddress | undefined>;
  /** The row of `userId` for `email`, added (unverified; primary if the user has none) when missing. */
  addEmailAddress(userId: number, email: string): Promise<EmailAddress>;
  /** Marks an address verified; `true` only for the call that changed it (`false` if already verified or gone). */
  verifyEmailAddress(id: number): Promise<boolean>;
  /** The rows of these users, for listings. */
  listEmailAddresses(userIds: readonly number[]): Promise<EmailAddress[]>;
}

export interface TokenStore {
  /** Records an issued refresh/sliding token. Idempotent on `jti`. */
  recordOutstanding(token: OutstandingToken): Promise<void>;
  /** Whether `jti` is blacklisted. */
  isBlacklisted(jti: string): Promise<boolean>;
  /** The recorded state of `jti`, or `undefined` when it was never recorded. */
  findTokenState(jti: string): Promise<TokenState | undefined>;
  /** Records the start of a family (a login session). Idempotent on `id`. */
  startFamily(family: { id: string; userId: number | null; createdAt: Date }): Promise<void>;
  /**
   * Revokes a family: blacklists every outstanding token in it and marks it revoked, in one
   * transaction. Returns how many tokens it blacklisted.
   */
  revokeFamily(familyId: string, now: Date, reason: string): Promise<number>;
  /**
   * Blacklists `token` (recording it as outstanding first if it is not), stamped `now` (the
   * caller's clock). Returns `true` when this call blacklisted it, `false` when it already was.
   */
  blacklist(token: OutstandingToken, now: Date): Promise<boolean>;
  /**
   * Atomic rotation: blacklists `old`, records `next` and notes on `old` that `next` replaced
   * it, in one transaction, only if `old` was not already blacklisted. `old` is stamped
   * blacklisted at `now`, the caller's clock, which REFRESH_TOKEN_REUSE_GRACE is measured on. Returns `false` (and changes nothing) when another rotation or a
   * logout got there first. This closes simplejwt's check-then-blacklist race (#985).
   */
  rotate(old: OutstandingToken, next: OutstandingToken, now: Date): Promise<boolean>;
  /**
   * Blacklists every outstanding, unexpired token of a user and marks their families revoked
   * ("log out everywhere"); returns how many tokens it blacklisted.
   */
  blacklistAllForUser(userId: number, now: Date): Promise<number>;
  /** Tokens of one user (or all), newest first. */
  listTokens(options?: { userId?: number; limit?: number; offset?: number }): Promise<TokenRecord[]>;
  /** Deletes outstanding tokens with `expiresAt <= now` (their blacklist rows go too); returns the count. */
  flushExpired(now: Date): Promise<number>;
}

/** One line of the admin console's audit trail: who did what, when. Never a password or a token. */
export interface AuditEntry {
  readonly id: number;
  readonly at: Date;
  /** The staff user who acted; `null` for an anonymous visitor (a failed sign-in). */
  readonly actorId: number | null;
  /** The actor's username at the time (or the username a failed sign-in tried). */
  readonly actorUsername: string;
  /** What was done, as a stable code (`user.create`, `token.blacklist_all`, ...). */
  readonly action: string;
  /** The user acted upon, if any. */
  readonly targetUserId: number | null;
  /** What was acted upon, in words (a username, a jti, a family id); may be `''`. */
  readonly target: string;
  /** What changed, for people to read (`is_staff: no -> yes`). */
  readonly detail: string;
  readonly ip: string | null;
}

/** A signed-in browser of the admin console, kept server-side. */
export interface ConsoleSignIn {
  /** SHA-256 (hex) of the cookie's value; the value itself is never stored. */
  readonly idHash: string;
  readonly userId: number;
  /** The synchronizer token every POST of this session must carry. */
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  /** Absolute end of the session, whatever the activity. */
  readonly expiresAt: Date;
}

/** Which audit entries to list. */
export interface AuditQuery {
  readonly targetUserId?: number;
  /** Only entries with this action code. */
  readonly action?: string;
  readonly limit?: number;
  readonly offset?: number;
}

/**
 * The admin console's audit trail (migration 0002). Optional on `Store`: a store without it
 * (your own user store) serves the API, and the bundled server's console then says it is
 * unavailable instead of running unaudited.
 */
export interface AuditTrail {
  /** Appends one entry to the trail. */
  recordAudit(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  /** Entries newest first, optionally only those about one user, or with one action (`login.failed`). */
  listAudit(options?: AuditQuery): Promise<AuditEntry[]>;
  /** Deletes entries older than `before` (AUDIT_RETENTION); returns how many. Optional for older stores. */
  pruneAudit?(before: Date): Promise<number>;
}

/** The admin console's signed-in browsers (migration 0002). Optional on `Store`, with the audit trail. */
export interface ConsoleSignInStore {
  createSignIn(signIn: ConsoleSignIn): Promise<void>;
  findSignIn(idHash: string): Promise<ConsoleSignIn | undefined>;
  /** Notes activity, for the idle timeout. */
  touchSignIn(idHash: string, lastSeenAt: Date): Promise<void>;
  /** Signs one browser out. */
  deleteSignIn(idHash: string): Promise<void>;
  /** Signs a user out everywhere but `keepIdHash` (after a password change); returns how many ended. */
  deleteSignInsOfUser(userId: number, keepIdHash?: string): Promise<number>;
  /** Deletes sign-ins past their absolute end or idle since `idleSince`; returns how many. */
  deleteStaleSignIns(now: Date, idleSince: Date): Promise<number>;
}

/** Where a signing key stands in its rollover (docs/keys.md). */
export type SigningKeyState = 'generated' | 'active' | 'inactive' | 'retired';

/** A signing key kept in the database (migration 0003). The private key is stored encrypted, never in clear. */
export interface StoredSigningKey {
  readonly kid: string;
  readonly algorithm: string;
  /** generated: published, not signing; active: signing (one at most); inactive: verify-only; retired: gone. */
  readonly state: SigningKeyState;
  /** The public JWK, JSON text. */
  readonly publicJwk: string;
  /** The PKCS#8 private key sealed with AES-256-GCM under TESSERA_KEY_ENCRYPTION_KEY (`src/keys/key-encryption.ts`). */
  readonly encryptedPrivateKey: string;
  readonly createdAt: Date;
  readonly activatedAt: Date | null;
  /** When it stopped signing (another key was activated). */
  readonly deactivatedAt: Date | null;
  readonly retiredAt: Date | null;
}

/**
 * Signing keys and their rollover (`tessera keys ...`, migration 0003). Optional on `Store`: a store
 * without it (your own user store) uses the keys from settings only.
 */
export interface KeyStore {
  /** Every key, retired ones included, oldest first. */
  listSigningKeys(): Promise<StoredSigningKey[]>;
  /** Adds a key (in state `generated`). */
  addSigningKey(key: StoredSigningKey): Promise<void>;
  /**
   * Makes `kid` the one active key and the previously active key `inactive`, in one
   * transaction. Returns `false` (changing nothing) unless `kid` is `generated` or `inactive`.
   */
  activateSigningKey(kid: string, now: Date): Promise<boolean>;
  /** Retires `kid`. Returns `false` (changing nothing) unless it is `generated` or `inactive`. */
  retireSigningKey(kid: string, now: Date): Promise<boolean>;
}

/** A token's recorded state and a user, read together (`RefreshReadStore`). */
export interface TokenStateAndUser {
  /** As `findTokenState(jti)`. */
  readonly state: TokenState | undefined;
  /** As `findUser(field, value)`. */
  readonly user: User | undefined;
}

/**
 * A refresh's two reads in one round trip: the refresh token's recorded state (blacklist, family,
 * rotation) and the user it names. Optional on `Store`: without it a refresh calls
 * `findTokenState` and then `findUser`. Both answers come from one statement, so they are as
 * fresh as the two separate reads (nothing is cached); a deactivated user, a blacklisted token
 * or a cut-off is seen exactly as by `findUser` and `findTokenState` (docs/decisions.md D21).
 */
export interface RefreshReadStore {
  /** `findTokenState(jti)` and `findUser(field, value)` in one read. */
  findTokenStateAndUser(jti: string, field: UserLookupField, value: string | number): Promise<TokenStateAndUser>;
}

/** A user's last token cut-off, as the revocation feed lists it. */
export interface CutOffRecord {
  readonly userId: number;
  /** The user's lookup fields, for a USER_ID_FIELD other than `id`. */
  readonly username: string;
  readonly email: string;
  /** The token version tokens minted since carry; older ones are refused. */
  readonly version: number;
  readonly at: Date;
}

/** A revoked session (refresh family), as the revocation feed lists it. */
export interface RevokedSession {
  /** The family id: the `TOKEN_SESSION_CLAIM` of the session's access tokens. */
  readonly id: string;
  readonly at: Date;
}

/**
 * Revoked sessions and cut-offs (issue 15: the session claim's check and the revocation feed,
 * migration 0010). Optional on `Store`: a store without it cannot serve TOKEN_SESSION_CLAIM or
 * the feed, and start-up says so.
 */
export interface RevocationStore {
  /** When the session (family) `id` was revoked; `null` when it was not, or is unknown. */
  sessionRevokedAt(id: string): Promise<Date | null>;
  /** Cut-offs and revoked sessions at or after `since`, oldest first. */
  revocationsSince(since: Date): Promise<{ cutOffs: CutOffRecord[]; sessions: RevokedSession[] }>;
}

/** The database's health, for readiness probes (`/readyz`). Optional on `Store`. */
export interface HealthStore {
  /** Whether the database answers a trivial query; never throws. */
  ping(): Promise<boolean>;
  /** Names of migrations not yet applied (empty when the schema is current). */
  pendingMigrations(): Promise<string[]>;
}

/**
 * A whole store: users and tokens in one database. The optional capabilities are fields, present
 * or not: the admin console needs `audit` and `consoleSignIns`, database keys need `keys`.
 */
export interface Store
  extends UserStore, TokenStore, Partial<AccountStore>, Partial<DjangoImportStore>, Partial<HealthStore>, Partial<RefreshReadStore> {
  readonly audit?: AuditTrail;
  readonly consoleSignIns?: ConsoleSignInStore;
  readonly keys?: KeyStore;
  readonly revocations?: RevocationStore;
  /** Applies pending schema migrations. Safe to call from several processes at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}
