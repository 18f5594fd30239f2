/**
 * What the importer reads from a Django project, whatever the source: tables by their Django
 * names (`auth_user`, `auth_group`, `token_blacklist_outstandingtoken`, ...), each row a map of
 * column to value, labelled so an error can name the row. A database gives its tables as they
 * are; a `dumpdata` file is turned into the same tables (`read-django-dump.ts`).
 */

/** One row of a Django table and how to name it in a message. */
export interface DjangoRow {
  /** e.g. `auth_user id=5` or `dump.json object #12 (auth.user pk=5)`. */
  readonly label: string;
  /** Column name to value: what SQLite, `pg` or JSON gave. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** A readable Django source. */
export interface DjangoTables {
  /** What was read, for the summary (never a password: database URLs are shown without it). */
  readonly description: string;
  /** Whether the source holds `table`. */
  has(table: string): Promise<boolean>;
  /** Every row of `table` (ordered by `id` when it has one); `[]` when the table is missing. */
  rows(table: string): Promise<DjangoRow[]>;
  close(): Promise<void>;
}

/** Django's table names are lower-case identifiers; anything else is refused before it reaches SQL. */
export const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Tables the importer reads besides the user model's own. */
export const DJANGO_TABLES = {
  contentTypes: 'django_content_type',
  permissions: 'auth_permission',
  groups: 'auth_group',
  groupPermissions: 'auth_group_permissions',
  outstanding: 'token_blacklist_outstandingtoken',
  blacklisted: 'token_blacklist_blacklistedtoken',
} as const;
