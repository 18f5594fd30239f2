/**
 * Signed-in browsers of the admin console (migration 0002), kept server-side: the cookie holds
 * a random id, the table its SHA-256. The table keeps its first name, `tessera_admin_session`.
 */
import type { Kysely } from 'kysely';
import type { ConsoleSignIn, ConsoleSignInStore } from '../../model/store.js';
import { timestampFromDb, type Database, type TimestampColumn } from '../schema.js';
import type { SqlHandle } from './sql-handle.js';

const SIGN_INS = 'tessera_admin_session';

/** The sign-in table, in Kysely's terms. Not part of `Database`, which is Django's and simplejwt's. */
// A type alias, not an interface: `withTables` wants an index-signature-compatible record.
type SignInTables = {
  tessera_admin_session: {
    id: string;
    user_id: number;
    csrf_token: string;
    created_at: TimestampColumn;
    last_seen_at: TimestampColumn;
    expires_at: TimestampColumn;
  };
};

export class KyselyConsoleSignIns implements ConsoleSignInStore {
  readonly #db: Kysely<Database & SignInTables>;

  constructor(handle: SqlHandle) {
    this.#db = handle.db.withTables<SignInTables>();
  }

  async createSignIn(signIn: ConsoleSignIn): Promise<void> {
    await this.#db
      .insertInto(SIGN_INS)
      .values({
        id: signIn.idHash,
        user_id: signIn.userId,
        csrf_token: signIn.csrfToken,
        created_at: signIn.createdAt,
        last_seen_at: signIn.lastSeenAt,
        expires_at: signIn.expiresAt,
      })
      .execute();
  }

  async findSignIn(idHash: string): Promise<ConsoleSignIn | undefined> {
    const row = await this.#db.selectFrom(SIGN_INS).selectAll().where('id', '=', idHash).executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      idHash: row.id,
      userId: row.user_id,
      csrfToken: row.csrf_token,
      createdAt: timestampFromDb(row.created_at),
      lastSeenAt: timestampFromDb(row.last_seen_at),
      expiresAt: timestampFromDb(row.expires_at),
    };
  }

  async touchSignIn(idHash: string, lastSeenAt: Date): Promise<void> {
    await this.#db.updateTable(SIGN_INS).set({ last_seen_at: lastSeenAt }).where('id', '=', idHash).execute();
  }

  async deleteSignIn(idHash: string): Promise<void> {
    await this.#db.deleteFrom(SIGN_INS).where('id', '=', idHash).execute();
  }

  async deleteSignInsOfUser(userId: number, keepIdHash?: string): Promise<number> {
    let query = this.#db.deleteFrom(SIGN_INS).where('user_id', '=', userId);
    if (keepIdHash !== undefined) query = query.where('id', '<>', keepIdHash);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteStaleSignIns(now: Date, idleSince: Date): Promise<number> {
    const result = await this.#db
      .deleteFrom(SIGN_INS)
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleSince)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
