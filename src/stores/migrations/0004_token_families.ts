/**
 * 0004: refresh-token families (sessions). Each login starts a family; rotation passes it on and
 * records which token replaced which, so a replayed, already-rotated token can be recognised
 * (a theft signal: RFC 9700 §4.14.2) and its whole family revoked.
 */
import type { Kysely, Migration } from 'kysely';
import { columnTypesFor, type MigrationDialect } from './column-types.js';

export function tokenFamiliesMigration(dialect: MigrationDialect): Migration {
  const types = columnTypesFor(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tessera_token_family')
        .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('user_id', 'integer', (col) => col.references('auth_user.id').onDelete('set null'))
        .addColumn('created_at', types.timestamp, (col) => col.notNull())
        .addColumn('revoked_at', types.timestamp)
        .addColumn('revoke_reason', 'varchar(32)')
        .execute();
      await db.schema.createIndex('tessera_token_family_user_id_idx').on('tessera_token_family').column('user_id').execute();
      // The jti of the token that replaced this one at rotation; NULL until rotated.
      await db.schema.alterTable('token_blacklist_outstandingtoken').addColumn('replaced_by', 'varchar(255)').execute();
      await db.schema
        .createIndex('token_blacklist_outstandingtoken_family_id_idx')
        .on('token_blacklist_outstandingtoken')
        .column('family_id')
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('token_blacklist_outstandingtoken_family_id_idx').execute();
      await db.schema.alterTable('token_blacklist_outstandingtoken').dropColumn('replaced_by').execute();
      await db.schema.dropTable('tessera_token_family').execute();
    },
  };
}
