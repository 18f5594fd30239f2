/**
 * The database schema as Kysely sees it. Table and column names are Django's (`auth_user`) and
 * simplejwt's (`token_blacklist_*`), so the data of a Django project and of Tessera line up
 * column for column and can be moved either way with plain SQL.
 *
 * Deliberate differences from simplejwt's tables:
 * - no `token` column: simplejwt stores every refresh token's full text, which turns a database
 *   leak into a pile of live credentials (simplejwt #803). The `jti` is all revocation needs.
 * - `family_id`: the login session a refresh token descends from, kept across rotations.
 * - `user_id` is `ON DELETE SET NULL` and `token_id` is `ON DELETE CASCADE` in the database
 *   itself; Django emulates both in Python.
 *
 * How values are stored, and why:
 * - Datetimes. PostgreSQL: `timestamptz`. SQLite has no datetime type, so they are TEXT in
 *   Django's own SQLite format, `YYYY-MM-DD HH:MM:SS.ffffff`, always UTC, no offset (what Django
 *   writes with `USE_TZ = True`). Text rather than integer milliseconds because it is readable
 *   in the `sqlite3` shell, sorts chronologically as plain text (so `expires_at <= ?` is a string
 *   comparison that the index serves), and is byte-compatible with rows Django wrote: a table
 *   holding both Django's and Tessera's rows still compares correctly. Tessera always writes all
 *   six fraction digits; Django omits the fraction when it is zero (`... 09:33:18`), which still
 *   sorts correctly, because a string sorts before its own extensions.
 * - Booleans: INTEGER 0/1 in SQLite (as Django stores them), `boolean` in PostgreSQL.
 *
 * Query code passes `Date` and `boolean` values; the SQLite driver adapter
 * (`sqlite/libsql-database.ts`) encodes them, and `pg` takes them as they are. Reads come back as
 * `string`/`number` from SQLite and `Date`/`boolean` from PostgreSQL, hence the union select
 * types and the decoders below.
 */
import type { ColumnType, Generated } from 'kysely';

/** A datetime column: written as `Date`, read as `Date` (PostgreSQL) or text (SQLite). */
export type TimestampColumn = ColumnType<Date | string, Date, Date>;
/** A nullable datetime column. */
export type NullableTimestampColumn = ColumnType<Date | string | null, Date | null, Date | null>;
/** A boolean column: written as `boolean`, read as `boolean` (PostgreSQL) or 0/1 (SQLite). */
export type BooleanColumn = ColumnType<boolean | number, boolean, boolean>;
/**
 * A token table's key. simplejwt declares these `BigAutoField`; `pg` returns `bigint` as a
 * string. Tessera never shows these ids, it only joins on them.
 */
export type BigIdColumn = ColumnType<number | string, never, never>;

/** Tessera's `tessera_user_name_key` (migration 0009): a user's folded username and email. */
export interface UserNameKeyTable {
  user_id: number;
  /** `username` or `email`. */
  kind: string;
  /** `foldedKey(username)` or `emailKey(email)` (`model/usernames.ts`). */
  folded: string;
}

/** Django's `auth_user` (the fields of `django.contrib.auth.models.User`). */
export interface AuthUserTable {
  id: Generated<number>;
  password: string;
  last_login: NullableTimestampColumn;
  is_superuser: BooleanColumn;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  is_staff: BooleanColumn;
  is_active: BooleanColumn;
  date_joined: TimestampColumn;
}

/** simplejwt's `OutstandingToken`, without the raw token text and with `family_id`. */
export interface OutstandingTokenTable {
  id: BigIdColumn;
  jti: string;
  user_id: number | null;
  family_id: string | null;
  created_at: NullableTimestampColumn;
  expires_at: TimestampColumn;
  /** The jti that replaced this token at rotation (migration 0004). */
  replaced_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** simplejwt's `BlacklistedToken`: at most one row per outstanding token. */
export interface BlacklistedTokenTable {
  id: BigIdColumn;
  token_id: ColumnType<number | string, number | string, never>;
  blacklisted_at: TimestampColumn;
}

/** Every table Tessera queries. */
/** A refresh-token family: one login session and every token rotated from it (migration 0004). */
export interface TokenFamilyTable {
  id: string;
  user_id: number | null;
  created_at: TimestampColumn;
  revoked_at: NullableTimestampColumn;
  revoke_reason: string | null;
}

/** Django's `django_content_type` (migration 0005): what a permission is about. */
export interface ContentTypeTable {
  id: Generated<number>;
  app_label: string;
  model: string;
}

/** Django's `auth_permission` (migration 0005). */
export interface PermissionTable {
  id: Generated<number>;
  name: string;
  content_type_id: number;
  codename: string;
}

/** Django's `auth_group` (migration 0005). */
export interface GroupTable {
  id: Generated<number>;
  name: string;
}

/** Django's `auth_group_permissions` (migration 0005). */
export interface GroupPermissionTable {
  id: Generated<number>;
  group_id: number;
  permission_id: number;
}

/** Django's `auth_user_groups` (migration 0005). */
export interface UserGroupTable {
  id: Generated<number>;
  user_id: number;
  group_id: number;
}

/** Django's `auth_user_user_permissions` (migration 0005). */
export interface UserPermissionTable {
  id: Generated<number>;
  user_id: number;
  permission_id: number;
}

/** django-allauth's `EmailAddress` (migration 0007). */
export interface EmailAddressTable {
  id: Generated<number>;
  email: string;
  verified: BooleanColumn;
  primary: BooleanColumn;
  user_id: number;
}

export interface Database {
  account_emailaddress: EmailAddressTable;
  tessera_token_family: TokenFamilyTable;
  django_content_type: ContentTypeTable;
  auth_permission: PermissionTable;
  auth_group: GroupTable;
  auth_group_permissions: GroupPermissionTable;
  auth_user_groups: UserGroupTable;
  auth_user_user_permissions: UserPermissionTable;
  auth_user: AuthUserTable;
  tessera_user_name_key: UserNameKeyTable;
  token_blacklist_outstandingtoken: OutstandingTokenTable;
  token_blacklist_blacklistedtoken: BlacklistedTokenTable;
}

/**
 * Index names the migrations create and the stores recognise in unique-violation errors.
 * PostgreSQL reports the index name; SQLite reports `table.column` for plain column indexes and
 * `index '<name>'` for expression indexes.
 */
export const USERNAME_UNIQUE_INDEX = 'auth_user_username_uniq';
export const EMAIL_UNIQUE_INDEX = 'auth_user_email_ci_uniq';
export const NAME_KEY_TABLE = 'tessera_user_name_key';
export const NAME_KEY_UNIQUE_INDEX = 'tessera_user_name_key_kind_folded_uniq';

const SQLITE_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Formats `date` as SQLite stores datetimes (see the module comment): UTC,
 * `YYYY-MM-DD HH:MM:SS.ffffff`, fixed width so that text order is time order.
 */
export function formatSqliteTimestamp(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('Cannot store an invalid Date');
  // toISOString gives `YYYY-MM-DDTHH:MM:SS.sssZ`; a Date has millisecond precision, so the
  // microsecond digits are always 000.
  const iso = date.toISOString();
  if (iso.length !== 24) throw new RangeError(`Cannot store a date outside years 0000-9999: ${iso}`);
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

/**
 * Reads a datetime column: a `Date` from `pg`, or SQLite text in Django's format (with or without
 * the fraction) or ISO 8601 (`T`, `Z` or an offset). Text without an offset is UTC, as Django
 * writes it with `USE_TZ = True`.
 */
export function timestampFromDb(value: Date | string): Date {
  if (value instanceof Date) return value;
  const match = SQLITE_DATETIME.exec(value);
  if (match === null) throw new RangeError(`Unreadable datetime in the database: ${JSON.stringify(value)}`);
  const [, year, month, day, hour, minute, second, fraction = '', zone] = match;
  // Re-spelled as the one ISO form Date parses exactly (4-digit year, millisecond fraction, Z);
  // it also rejects impossible fields such as month 13.
  const millis = (fraction + '000').slice(0, 3);
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}Z`);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Unreadable datetime in the database: ${JSON.stringify(value)}`);
  if (zone === undefined || zone === 'Z') return date;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return new Date(date.getTime() - sign * offsetMinutes * 60_000);
}

/** Reads a nullable datetime column. */
export function nullableTimestampFromDb(value: Date | string | null): Date | null {
  return value === null ? null : timestampFromDb(value);
}

/** Reads a boolean column: `true`/`false` from `pg`, 1/0 from SQLite. */
export function booleanFromDb(value: boolean | number): boolean {
  return value === true || value === 1;
}
