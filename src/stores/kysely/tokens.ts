/**
 * Issued refresh and sliding tokens (simplejwt's outstanding and blacklisted tables) and the
 * families (login sessions) rotation carries them in.
 *
 * Races are settled by the database, never by check-then-act: the UNIQUE `token_id` of the
 * blacklist table decides `blacklist` and `rotate` (an insert that does nothing on conflict,
 * whose RETURNING row tells who won). Every time stamp comes from the caller's clock (`now`),
 * so the grace window compares times from one clock.
 */
import type { Kysely } from 'kysely';
import type { OutstandingToken, TokenRecord, TokenState, TokenStore } from '../../model/store.js';
import { nullableTimestampFromDb, timestampFromDb, type Database } from '../schema.js';
import { BLACKLISTED, FAMILIES, OUTSTANDING, pageOf, USERS, type SqlHandle } from './sql-handle.js';

/** Ids per multi-row insert: well below SQLite's 32766 bound parameters and PostgreSQL's 65535. */
const INSERT_BATCH = 500;

/** The columns `findTokenState` reads, as the outstanding (o), blacklist (b) and family (f) rows give them. */
export const TOKEN_STATE_COLUMNS = [
  'o.jti',
  'o.user_id',
  'o.family_id',
  'o.replaced_by',
  'o.created_at',
  'o.expires_at',
  'b.blacklisted_at',
  'f.created_at as family_created_at',
  'f.revoked_at',
] as const;

/** A token state from the columns of `TOKEN_STATE_COLUMNS`. */
export function tokenStateFromRow(row: {
  jti: string;
  user_id: number | null;
  family_id: string | null;
  replaced_by: string | null;
  created_at: Date | string | null;
  expires_at: Date | string;
  blacklisted_at: Date | string | null;
  family_created_at: Date | string | null;
  revoked_at: Date | string | null;
}): TokenState {
  return {
    jti: row.jti,
    userId: row.user_id,
    familyId: row.family_id,
    familyCreatedAt: nullableTimestampFromDb(row.family_created_at),
    familyRevokedAt: nullableTimestampFromDb(row.revoked_at),
    blacklistedAt: nullableTimestampFromDb(row.blacklisted_at),
    replacedBy: row.replaced_by,
    createdAt: nullableTimestampFromDb(row.created_at),
    expiresAt: timestampFromDb(row.expires_at),
  };
}

/** Thrown inside `rotate`'s transaction to roll it back when another caller won. */
class RotationLost extends Error {
  constructor() {
    super('old token already blacklisted; rotation rolled back');
  }
}

export class KyselyTokenStore implements TokenStore {
  readonly #sql: SqlHandle;

  constructor(handle: SqlHandle) {
    this.#sql = handle;
  }

  async recordOutstanding(token: OutstandingToken): Promise<void> {
    await this.#insertOutstanding(this.#sql.db, token);
  }

  async isBlacklisted(jti: string): Promise<boolean> {
    const row = await this.#sql.selectFirst(
      'isBlacklisted',
      () =>
        this.#sql.db
          .selectFrom(`${BLACKLISTED} as b`)
          .innerJoin(`${OUTSTANDING} as o`, 'o.id', 'b.token_id')
          .select('b.id')
          .where('o.jti', '=', jti),
      [jti],
    );
    return row !== undefined;
  }

  async blacklist(token: OutstandingToken, now: Date): Promise<boolean> {
    return this.#sql.inWriteTransaction(async (trx) => {
      await this.#insertOutstanding(trx, token);
      return this.#insertBlacklisted(trx, token.jti, now);
    });
  }

  async rotate(old: OutstandingToken, next: OutstandingToken, now: Date): Promise<boolean> {
    try {
      return await this.#sql.inWriteTransaction(async (trx) => {
        await this.#insertOutstanding(trx, old);
        // The gate: of all concurrent rotations (and logouts) of `old`, exactly one inserts the
        // blacklist row; the unique token_id makes everyone else's insert a no-op.
        if (!(await this.#insertBlacklisted(trx, old.jti, now))) throw new RotationLost();
        await this.#insertOutstanding(trx, next);
        // One statement: the successor's name, and for a token minted elsewhere (simplejwt, an
        // import) that had no family, the family its first rotation starts, so that replaying
        // it later revokes that family (COALESCE keeps a family it already had).
        await this.#sql.executeCompiled(
          trx,
          'setReplacedByAndFamily',
          () =>
            trx
              .updateTable(OUTSTANDING)
              .set((eb) => ({ replaced_by: next.jti, family_id: eb.fn.coalesce('family_id', eb.val(old.familyId)) }))
              .where('jti', '=', old.jti),
          [next.jti, old.familyId, old.jti],
        );
        return true;
      });
    } catch (error) {
      if (error instanceof RotationLost) return false;
      throw error;
    }
  }

  async blacklistAllForUser(userId: number, now: Date): Promise<number> {
    return this.#sql.inWriteTransaction(async (trx) => {
      const live = await trx
        .selectFrom(`${OUTSTANDING} as o`)
        .leftJoin(`${BLACKLISTED} as b`, 'b.token_id', 'o.id')
        .select('o.id')
        .where('o.user_id', '=', userId)
        .where('o.expires_at', '>', now)
        .where('b.id', 'is', null)
        .execute();
      const blacklisted = await this.#blacklistRows(trx, live, now);
      await trx
        .updateTable(FAMILIES)
        .set({ revoked_at: now, revoke_reason: 'logout_all' })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
      return blacklisted;
    });
  }

  async findTokenState(jti: string): Promise<TokenState | undefined> {
    const row = await this.#sql.selectFirst(
      'findTokenState',
      () =>
        this.#sql.db
          .selectFrom(`${OUTSTANDING} as o`)
          .leftJoin(`${BLACKLISTED} as b`, 'b.token_id', 'o.id')
          .leftJoin(`${FAMILIES} as f`, 'f.id', 'o.family_id')
          .select(TOKEN_STATE_COLUMNS)
          .where('o.jti', '=', jti),
      [jti],
    );
    return row === undefined ? undefined : tokenStateFromRow(row);
  }

  async startFamily(family: { id: string; userId: number | null; createdAt: Date }): Promise<void> {
    const { userId } = family;
    await this.#sql.db
      .insertInto(FAMILIES)
      .values({
        id: family.id,
        user_id: userId === null ? null : (eb) => eb.selectFrom(USERS).select('auth_user.id').where('auth_user.id', '=', userId),
        created_at: family.createdAt,
        revoked_at: null,
        revoke_reason: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async revokeFamily(familyId: string, now: Date, reason: string): Promise<number> {
    return this.#sql.inWriteTransaction(async (trx) => {
      const live = await trx
        .selectFrom(`${OUTSTANDING} as o`)
        .leftJoin(`${BLACKLISTED} as b`, 'b.token_id', 'o.id')
        .select('o.id')
        .where('o.family_id', '=', familyId)
        .where('b.id', 'is', null)
        .execute();
      const blacklisted = await this.#blacklistRows(trx, live, now);
      await trx
        .updateTable(FAMILIES)
        .set({ revoked_at: now, revoke_reason: reason })
        .where('id', '=', familyId)
        .where('revoked_at', 'is', null)
        .execute();
      return blacklisted;
    });
  }

  async listTokens(options: { userId?: number; limit?: number; offset?: number } = {}): Promise<TokenRecord[]> {
    const { limit, offset } = pageOf(options);
    let query = this.#sql.db
      .selectFrom(`${OUTSTANDING} as o`)
      .leftJoin(`${BLACKLISTED} as b`, 'b.token_id', 'o.id')
      .select(['o.jti', 'o.user_id', 'o.family_id', 'o.created_at', 'o.expires_at', 'b.blacklisted_at']);
    if (options.userId !== undefined) query = query.where('o.user_id', '=', options.userId);
    const rows = await query
      // Newest first; tokens recorded without a creation time (blacklisted on sight) go last.
      .orderBy('o.created_at', (order) => order.desc().nullsLast())
      .orderBy('o.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((row) => ({
      jti: row.jti,
      userId: row.user_id,
      familyId: row.family_id,
      createdAt: nullableTimestampFromDb(row.created_at),
      expiresAt: timestampFromDb(row.expires_at),
      blacklistedAt: nullableTimestampFromDb(row.blacklisted_at),
    }));
  }

  async flushExpired(now: Date): Promise<number> {
    return this.#sql.inWriteTransaction(async (trx) => {
      // Blacklist rows first: the schema cascades, but a database Django created does not
      // (Django emulates CASCADE), and deleting the parents would then violate the foreign key.
      await trx
        .deleteFrom(BLACKLISTED)
        .where('token_id', 'in', (eb) => eb.selectFrom(OUTSTANDING).select('id').where('expires_at', '<=', now))
        .execute();
      const result = await trx.deleteFrom(OUTSTANDING).where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  /**
   * Inserts `token` unless its jti is recorded already (then the stored row wins, as simplejwt's
   * `get_or_create`). A `userId` naming no existing user is stored as NULL, as if that user had
   * been deleted: simplejwt can blacklist a deleted user's token, and so can Tessera.
   */
  async #insertOutstanding(db: Kysely<Database>, token: OutstandingToken): Promise<void> {
    const { userId } = token;
    const build = () =>
      db
        .insertInto(OUTSTANDING)
        .values({
          jti: token.jti,
          user_id: userId === null ? null : (eb) => eb.selectFrom(USERS).select('auth_user.id').where('auth_user.id', '=', userId),
          family_id: token.familyId,
          created_at: token.createdAt,
          expires_at: token.expiresAt,
        })
        .onConflict((oc) => oc.column('jti').doNothing());
    const parameters = [token.jti, userId, token.familyId, token.createdAt, token.expiresAt];
    await this.#sql.executeCompiled(db, userId === null ? 'insertOutstanding:noUser' : 'insertOutstanding:user', build, parameters);
  }

  /** Blacklists outstanding rows by id, in batches; returns how many this call blacklisted. */
  async #blacklistRows(db: Kysely<Database>, rows: readonly { id: number | string }[], now: Date): Promise<number> {
    let blacklisted = 0;
    // One global order of row locks, so two revocations over overlapping rows cannot deadlock.
    const ordered = [...rows].sort((a, b) => Number(a.id) - Number(b.id));
    for (let start = 0; start < ordered.length; start += INSERT_BATCH) {
      const batch = ordered.slice(start, start + INSERT_BATCH).map((row) => ({ token_id: row.id, blacklisted_at: now }));
      const inserted = await db
        .insertInto(BLACKLISTED)
        .values(batch)
        .onConflict((oc) => oc.column('token_id').doNothing())
        .returning('id')
        .execute();
      blacklisted += inserted.length;
    }
    return blacklisted;
  }

  /** Blacklists the recorded token `jti`; `true` when this call did, `false` when it already was. */
  async #insertBlacklisted(db: Kysely<Database>, jti: string, now: Date): Promise<boolean> {
    const build = () =>
      db
        .insertInto(BLACKLISTED)
        .values({
          token_id: (eb) => eb.selectFrom(OUTSTANDING).select('id').where('jti', '=', jti),
          blacklisted_at: now,
        })
        .onConflict((oc) => oc.column('token_id').doNothing())
        .returning('id');
    const inserted = await this.#sql.executeCompiled(db, 'insertBlacklisted', build, [jti, now]);
    return inserted.rows.length === 1;
  }
}
