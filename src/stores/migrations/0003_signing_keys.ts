/**
 * 0003: signing keys for rotation without downtime (`tessera keys generate|activate|retire`).
 * The private key is stored sealed with AES-256-GCM under TESSERA_KEY_ENCRYPTION_KEY; the public
 * JWK in clear, since it is published anyway.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypesFor, type MigrationDialect } from './column-types.js';

export function signingKeysMigration(dialect: MigrationDialect): Migration {
  const types = columnTypesFor(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tessera_signing_key')
        .addColumn('kid', 'varchar(128)', (col) => col.primaryKey())
        .addColumn('algorithm', 'varchar(16)', (col) => col.notNull())
        .addColumn('state', 'varchar(16)', (col) => col.notNull())
        .addColumn('public_jwk', 'text', (col) => col.notNull())
        .addColumn('private_key', 'text', (col) => col.notNull())
        .addColumn('created_at', types.timestamp, (col) => col.notNull())
        .addColumn('activated_at', types.timestamp)
        .addColumn('deactivated_at', types.timestamp)
        .addColumn('retired_at', types.timestamp)
        .execute();
      // At most one key signs: the database refuses a second active row, whatever the caller does.
      // The condition is SQL text because SQLite forbids bound parameters in an index definition.
      await db.schema
        .createIndex('tessera_signing_key_one_active')
        .on('tessera_signing_key')
        .column('state')
        .unique()
        .where(sql<boolean>`state = 'active'`)
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('tessera_signing_key').execute();
    },
  };
}
