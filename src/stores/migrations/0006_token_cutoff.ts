/**
 * 0006: `tessera_token_cutoff`, each user's token cut-off (issue 15, Keycloak's "not before").
 * `version` counts the cut-offs; tokens minted after one carry it in their version claim
 * (`TOKEN_VERSION_CLAIM`), so a token minted in the same second as the cut-off, but after it,
 * is told apart from one minted before it, which whole-second `iat` alone cannot do.
 * `valid_after` is the moment of the last cut-off, for people and for the revocation docs.
 *
 * Tessera's own table, keyed by user: Django's `auth_user` stays exactly Django's. A user with
 * no row has version 0, and their tokens carry no version claim (simplejwt's exact tokens).
 */
import type { Kysely, Migration } from 'kysely';
import { TOKEN_CUTOFF_TABLE } from '../schema.js';
import { columnTypesFor, type MigrationDialect } from './column-types.js';

export function tokenCutoffMigration(dialect: MigrationDialect): Migration {
  const types = columnTypesFor(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable(TOKEN_CUTOFF_TABLE)
        .addColumn('user_id', 'integer', (col) => col.primaryKey().references('auth_user.id').onDelete('cascade'))
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('valid_after', types.timestamp, (col) => col.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable(TOKEN_CUTOFF_TABLE).execute();
    },
  };
}
