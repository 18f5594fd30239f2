/**
 * The folded-name rule of the Kysely stores (migration 0009): when asked (registration, the
 * console), no new username equal to another user's after NFKC and full case folding, nor an
 * email equal after full case folding. The check runs inside the store's write transaction; the
 * unique index on (kind, folded) settles two concurrent registrations of `KYOKO` and `kyoko`
 * (PostgreSQL's READ COMMITTED lets both pass the check; only one insert succeeds).
 */
import type { Kysely } from 'kysely';
import { UniqueViolationError } from '../model/store.js';
import { emailKey, foldedKey } from '../model/usernames.js';
import { NAME_KEY_TABLE, type Database } from './schema.js';

type NameKind = 'username' | 'email';

function keysOf(names: { username?: string | undefined; email?: string | undefined }): { kind: NameKind; folded: string }[] {
  const keys: { kind: NameKind; folded: string }[] = [];
  if (names.username !== undefined) keys.push({ kind: 'username', folded: foldedKey(names.username) });
  // An empty email is Django's "no email", shared by any number of users.
  if (names.email !== undefined && names.email !== '') keys.push({ kind: 'email', folded: emailKey(names.email) });
  return keys;
}

/**
 * Records `userId`'s folded username and email (names not given are left as they are). With
 * `strict`, refuses (UniqueViolationError) a name whose folded form another user holds; without
 * it (imports, which keep Django's exact rule), the first holder keeps the key and this user
 * gets none. Call inside the write transaction that creates or renames the user.
 */
export async function claimFoldedNames(
  trx: Kysely<Database>,
  userId: number,
  names: { username?: string | undefined; email?: string | undefined },
  strict: boolean,
): Promise<void> {
  const keys = keysOf(names);
  if (strict) {
    for (const key of keys) {
      const holder = await trx
        .selectFrom(NAME_KEY_TABLE)
        .select('user_id')
        .where('kind', '=', key.kind)
        .where('folded', '=', key.folded)
        .executeTakeFirst();
      if (holder !== undefined && holder.user_id !== userId) throw new UniqueViolationError(key.kind);
    }
  }
  if (names.email === '') await trx.deleteFrom(NAME_KEY_TABLE).where('user_id', '=', userId).where('kind', '=', 'email').execute();
  for (const key of keys) {
    await trx.deleteFrom(NAME_KEY_TABLE).where('user_id', '=', userId).where('kind', '=', key.kind).execute();
    // A concurrent strict claim that slipped past the check above fails here, on the unique index.
    const insert = trx.insertInto(NAME_KEY_TABLE).values({ user_id: userId, ...key });
    await (strict ? insert : insert.onConflict((conflict) => conflict.doNothing())).execute();
  }
}

/** Whether another user holds `email`'s folded form. */
export async function foldedEmailTaken(db: Kysely<Database>, email: string): Promise<boolean> {
  if (email === '') return false;
  const row = await db
    .selectFrom(NAME_KEY_TABLE)
    .select('user_id')
    .where('kind', '=', 'email')
    .where('folded', '=', emailKey(email))
    .executeTakeFirst();
  return row !== undefined;
}

/** Forgets a user's folded names (before the user row is deleted). */
export async function releaseFoldedNames(trx: Kysely<Database>, userId: number): Promise<void> {
  await trx.deleteFrom(NAME_KEY_TABLE).where('user_id', '=', userId).execute();
}
