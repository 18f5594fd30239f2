/**
 * 0002: the admin console's own tables.
 *
 * - `tessera_admin_audit`: who did what, when, in the console. Rows keep the actor's username
 *   as it was (a deleted or renamed account still reads correctly), and no foreign keys, so the
 *   trail outlives the users it names. Never holds a password or a token, only descriptions.
 * - `tessera_admin_session`: server-side sign-in sessions of the console. The key is the SHA-256
 *   of the cookie's value, so a copy of the database holds no usable session; the CSRF token of
 *   the session lives beside it (synchronizer pattern). Deleting a row signs that browser out.
 *
 * Tables are prefixed like Tessera's other own tables, so they stand out inside a shared Django
 * database (whose admin uses `django_admin_log` and `django_session`).
 *
 * Dialect-neutral: only the types of `column-types.ts` differ between SQLite and PostgreSQL.
 */
import type { Kysely, Migration } from 'kysely';
import { columnTypesFor, type MigrationDialect } from './column-types.js';

export function adminAuditMigration(dialect: MigrationDialect): Migration {
  const types = columnTypesFor(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tessera_admin_audit')
        .addColumn('id', types.bigKey, types.serialKey)
        .addColumn('created_at', types.timestamp, (col) => col.notNull())
        .addColumn('actor_id', 'integer')
        .addColumn('actor_username', 'varchar(150)', (col) => col.notNull())
        .addColumn('action', 'varchar(64)', (col) => col.notNull())
        .addColumn('target_user_id', 'integer')
        .addColumn('target', 'varchar(255)', (col) => col.notNull())
        .addColumn('detail', 'text', (col) => col.notNull())
        .addColumn('ip', 'varchar(64)')
        .execute();
      await db.schema.createIndex('tessera_admin_audit_created_at_idx').on('tessera_admin_audit').column('created_at').execute();
      await db.schema.createIndex('tessera_admin_audit_target_user_id_idx').on('tessera_admin_audit').column('target_user_id').execute();

      await db.schema
        .createTable('tessera_admin_session')
        .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('user_id', 'integer', (col) => col.notNull().references('auth_user.id').onDelete('cascade'))
        .addColumn('csrf_token', 'varchar(64)', (col) => col.notNull())
        .addColumn('created_at', types.timestamp, (col) => col.notNull())
        .addColumn('last_seen_at', types.timestamp, (col) => col.notNull())
        .addColumn('expires_at', types.timestamp, (col) => col.notNull())
        .execute();
      await db.schema.createIndex('tessera_admin_session_user_id_idx').on('tessera_admin_session').column('user_id').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('tessera_admin_session').execute();
      await db.schema.dropTable('tessera_admin_audit').execute();
    },
  };
}
