/**
 * 0001: users, outstanding tokens, blacklisted tokens (see `../schema.ts` for the shapes).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { EMAIL_UNIQUE_INDEX, USERNAME_UNIQUE_INDEX } from '../schema.js';
import { columnTypesFor, type MigrationDialect } from './column-types.js';

/** The initial schema, written for `dialect`. */
export function initialMigration(dialect: MigrationDialect): Migration {
  const types = columnTypesFor(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('auth_user')
        .addColumn('id', 'integer', types.serialKey)
        .addColumn('password', 'varchar(128)', (col) => col.notNull())
        .addColumn('last_login', types.timestamp)
        .addColumn('is_superuser', types.boolean, (col) => col.notNull())
        .addColumn('username', 'varchar(150)', (col) => col.notNull())
        .addColumn('first_name', 'varchar(150)', (col) => col.notNull())
        .addColumn('last_name', 'varchar(150)', (col) => col.notNull())
        .addColumn('email', 'varchar(254)', (col) => col.notNull())
        .addColumn('is_staff', types.boolean, (col) => col.notNull())
        .addColumn('is_active', types.boolean, (col) => col.notNull())
        .addColumn('date_joined', types.timestamp, (col) => col.notNull())
        .execute();
      // Case-sensitive, as Django: "Alice" and "alice" are two users.
      await db.schema.createIndex(USERNAME_UNIQUE_INDEX).on('auth_user').column('username').unique().execute();
      // Tessera's improvement over Django: one account per email regardless of case. Users
      // without an email ('' is Django's default) are exempt. The WHERE is written as SQL
      // because SQLite forbids bound parameters in an index definition.
      await db.schema
        .createIndex(EMAIL_UNIQUE_INDEX)
        .on('auth_user')
        .unique()
        .expression(sql`lower(email)`)
        .where(sql<boolean>`email <> ''`)
        .execute();

      await db.schema
        .createTable('token_blacklist_outstandingtoken')
        .addColumn('id', types.bigKey, types.serialKey)
        .addColumn('jti', 'varchar(255)', (col) => col.notNull().unique())
        .addColumn('user_id', 'integer', (col) => col.references('auth_user.id').onDelete('set null'))
        .addColumn('family_id', 'varchar(255)')
        .addColumn('created_at', types.timestamp)
        .addColumn('expires_at', types.timestamp, (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('token_blacklist_outstandingtoken_user_id_idx')
        .on('token_blacklist_outstandingtoken')
        .column('user_id')
        .execute();
      // flushExpired scans by expiry.
      await db.schema
        .createIndex('token_blacklist_outstandingtoken_expires_at_idx')
        .on('token_blacklist_outstandingtoken')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('token_blacklist_blacklistedtoken')
        .addColumn('id', types.bigKey, types.serialKey)
        // UNIQUE is what makes "blacklist" a race-free insert-or-ignore.
        .addColumn('token_id', 'bigint', (col) =>
          col.notNull().unique().references('token_blacklist_outstandingtoken.id').onDelete('cascade'),
        )
        .addColumn('blacklisted_at', types.timestamp, (col) => col.notNull())
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('token_blacklist_blacklistedtoken').execute();
      await db.schema.dropTable('token_blacklist_outstandingtoken').execute();
      await db.schema.dropTable('auth_user').execute();
    },
  };
}
