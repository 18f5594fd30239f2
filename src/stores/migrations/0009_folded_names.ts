/**
 * 0009: `tessera_user_name_key`, the folded spellings of each user's username and email, unique
 * per kind (issue 12 §7). Django compares usernames exactly, so `KYOKO`, `ｋｙｏｋｏ` (before
 * NFKC) and `kyoko` could be three users, and emails fold ASCII case only (`k@Éxample.com` and
 * `k@éxample.com` were two). Full Unicode case folding cannot be written in SQL that SQLite and
 * PostgreSQL agree on, so the folded key is computed in TypeScript (`model/usernames.ts`) and
 * kept here, in Tessera's own table: Django's `auth_user` stays exactly Django's.
 *
 * Existing users are backfilled; where two existing users already share a folded name, the
 * older keeps the key and the newer has none (nothing is renamed or refused retroactively).
 */
import type { Kysely, Migration } from 'kysely';
import { emailKey, foldedKey } from '../../model/usernames.js';
import { NAME_KEY_TABLE, NAME_KEY_UNIQUE_INDEX } from '../schema.js';
import type { MigrationDialect } from './column-types.js';

interface UserNames {
  id: number;
  username: string;
  email: string;
}

export function foldedNamesMigration(_dialect: MigrationDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable(NAME_KEY_TABLE)
        .addColumn('user_id', 'integer', (col) => col.notNull().references('auth_user.id').onDelete('cascade'))
        .addColumn('kind', 'varchar(8)', (col) => col.notNull())
        .addColumn('folded', 'varchar(1024)', (col) => col.notNull())
        .addPrimaryKeyConstraint(`${NAME_KEY_TABLE}_pkey`, ['user_id', 'kind'])
        .execute();
      await db.schema.createIndex(NAME_KEY_UNIQUE_INDEX).on(NAME_KEY_TABLE).columns(['kind', 'folded']).unique().execute();
      const typed = db as unknown as Kysely<{
        auth_user: UserNames;
        tessera_user_name_key: { user_id: number; kind: string; folded: string };
      }>;
      const users = await typed.selectFrom('auth_user').select(['id', 'username', 'email']).orderBy('id').execute();
      for (const user of users) {
        const keys = [{ user_id: user.id, kind: 'username', folded: foldedKey(user.username) }];
        if (user.email !== '') keys.push({ user_id: user.id, kind: 'email', folded: emailKey(user.email) });
        for (const key of keys) {
          await typed
            .insertInto(NAME_KEY_TABLE)
            .values(key)
            .onConflict((conflict) => conflict.doNothing())
            .execute();
        }
      }
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable(NAME_KEY_TABLE).execute();
    },
  };
}
