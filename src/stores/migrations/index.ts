/**
 * Tessera's schema migrations, served to Kysely's `Migrator` from a static import map. No
 * directory scanning: the list is part of the compiled code, so it works from `dist/`, from a
 * packed tarball and from a bundle alike.
 *
 * Adding a migration: create `NNNN_name.ts` exporting a `(dialect) => Migration` factory and add
 * it below. Names sort as strings and run in that order; never rename or edit a released one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './0001_initial.js';
import { adminAuditMigration } from './0002_admin_audit.js';
import { signingKeysMigration } from './0003_signing_keys.js';
import { tokenFamiliesMigration } from './0004_token_families.js';
import { groupsPermissionsMigration } from './0005_groups_permissions.js';
import { tokenCutoffMigration } from './0006_token_cutoff.js';
import { emailAddressesMigration } from './0007_email_addresses.js';
import { foldedNamesMigration } from './0009_folded_names.js';
import { revocationFeedMigration } from './0010_revocation_feed.js';
import type { MigrationDialect } from './column-types.js';

export type { MigrationDialect } from './column-types.js';

/** Kysely's bookkeeping tables, prefixed so they are recognisable inside a shared Django database. */
export const MIGRATION_TABLE = 'tessera_migration';
export const MIGRATION_LOCK_TABLE = 'tessera_migration_lock';

const MIGRATIONS: Readonly<Record<string, (dialect: MigrationDialect) => Migration>> = {
  '0001_initial': initialMigration,
  '0002_admin_audit': adminAuditMigration,
  '0003_signing_keys': signingKeysMigration,
  '0004_token_families': tokenFamiliesMigration,
  '0005_groups_permissions': groupsPermissionsMigration,
  '0006_token_cutoff': tokenCutoffMigration,
  '0007_email_addresses': emailAddressesMigration,
  '0009_folded_names': foldedNamesMigration,
  '0010_revocation_feed': revocationFeedMigration,
};

/** A Kysely `MigrationProvider` yielding every Tessera migration written for `dialect`. */
export class TesseraMigrationProvider implements MigrationProvider {
  readonly #dialect: MigrationDialect;

  constructor(dialect: MigrationDialect) {
    this.#dialect = dialect;
  }

  getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const [name, build] of Object.entries(MIGRATIONS)) migrations[name] = build(this.#dialect);
    return Promise.resolve(migrations);
  }
}
