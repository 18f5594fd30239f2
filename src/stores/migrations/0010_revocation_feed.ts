/**
 * 0010: indexes for the revocation feed (issue 15): it lists the sessions revoked and the users
 * cut off within the last access-token lifetime, so both lists are read by time. Without these
 * the feed would scan every family and every cut-off on each poll.
 */
import type { Kysely, Migration } from 'kysely';
import { TOKEN_CUTOFF_TABLE } from '../schema.js';

export function revocationFeedMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('tessera_token_family_revoked_at_idx').on('tessera_token_family').column('revoked_at').execute();
      await db.schema.createIndex('tessera_token_cutoff_valid_after_idx').on(TOKEN_CUTOFF_TABLE).column('valid_after').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('tessera_token_cutoff_valid_after_idx').execute();
      await db.schema.dropIndex('tessera_token_family_revoked_at_idx').execute();
    },
  };
}
