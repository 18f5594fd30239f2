/**
 * 0007: email addresses and their verification state, in django-allauth's table
 * `account_emailaddress` (its model as of allauth 0.63+: id, email, verified, primary, user_id),
 * with allauth's constraints and Django's index names, so `tessera import-django` can copy the
 * rows of a project that used allauth, and the table can go back with plain SQL:
 *
 * - one row per (user, address): `account_emailaddress_user_id_email_987c8728_uniq`;
 * - an address is verified for at most one user: `unique_verified_email` (partial, on verified rows);
 * - at most one primary address per user: `unique_primary_email` (partial, on primary rows).
 *
 * Addresses are stored lowercased, as allauth does since its migration 0006. As in 0005, the
 * user foreign key cascades in the database itself (Django emulates it in Python), because
 * Tessera deletes a user with one statement.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypesFor, type MigrationDialect } from './column-types.js';

const TABLE = 'account_emailaddress';

export function emailAddressesMigration(dialect: MigrationDialect): Migration {
  const types = columnTypesFor(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable(TABLE)
        .addColumn('id', 'integer', types.serialKey)
        .addColumn('email', 'varchar(254)', (col) => col.notNull())
        .addColumn('verified', types.boolean, (col) => col.notNull())
        .addColumn('primary', types.boolean, (col) => col.notNull())
        .addColumn('user_id', 'integer', (col) => col.notNull().references('auth_user.id').onDelete('cascade'))
        .execute();
      await db.schema.createIndex('account_emailaddress_user_id_2c513194').on(TABLE).column('user_id').execute();
      await db.schema.createIndex('account_emailaddress_email_03be32b2').on(TABLE).column('email').execute();
      await db.schema
        .createIndex('account_emailaddress_user_id_email_987c8728_uniq')
        .on(TABLE)
        .columns(['user_id', 'email'])
        .unique()
        .execute();
      // Partial indexes: the WHERE is SQL text because SQLite forbids bound parameters there.
      await db.schema
        .createIndex('unique_verified_email')
        .on(TABLE)
        .column('email')
        .unique()
        .where(sql<boolean>`${sql.ref('verified')}`)
        .execute();
      await db.schema
        .createIndex('unique_primary_email')
        .on(TABLE)
        .columns(['user_id', 'primary'])
        .unique()
        .where(sql<boolean>`${sql.ref('primary')}`)
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable(TABLE).execute();
    },
  };
}
