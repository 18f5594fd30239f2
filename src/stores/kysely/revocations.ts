/**
 * Revoked sessions and token cut-offs, read for the session claim's check (one family by id, a
 * primary-key read) and for the revocation feed (everything since a moment: the indexes of
 * migration 0010 keep it a range scan however many families and users there are).
 */
import type { CutOffRecord, RevocationStore, RevokedSession } from '../../model/store.js';
import { nullableTimestampFromDb, timestampFromDb, TOKEN_CUTOFF_TABLE } from '../schema.js';
import { FAMILIES, USERS, type SqlHandle } from './sql-handle.js';

export class KyselyRevocations implements RevocationStore {
  readonly #sql: SqlHandle;

  constructor(handle: SqlHandle) {
    this.#sql = handle;
  }

  async sessionRevokedAt(id: string): Promise<Date | null> {
    const row = await this.#sql.selectFirst(
      'sessionRevokedAt',
      () => this.#sql.db.selectFrom(FAMILIES).select('revoked_at').where('id', '=', id),
      [id],
    );
    return nullableTimestampFromDb(row?.revoked_at ?? null);
  }

  async revocationsSince(since: Date): Promise<{ cutOffs: CutOffRecord[]; sessions: RevokedSession[] }> {
    const cutOffRows = await this.#sql.db
      .selectFrom(`${TOKEN_CUTOFF_TABLE} as c`)
      .innerJoin(`${USERS} as u`, 'u.id', 'c.user_id')
      .select(['c.user_id', 'u.username', 'u.email', 'c.version', 'c.valid_after'])
      .where('c.valid_after', '>=', since)
      .orderBy('c.valid_after')
      .execute();
    const sessionRows = await this.#sql.db
      .selectFrom(FAMILIES)
      .select(['id', 'revoked_at'])
      .where('revoked_at', '>=', since)
      .orderBy('revoked_at')
      .execute();
    return {
      cutOffs: cutOffRows.map((row) => ({
        userId: row.user_id,
        username: row.username,
        email: row.email,
        version: row.version,
        at: timestampFromDb(row.valid_after),
      })),
      sessions: sessionRows.flatMap((row) => {
        const at = nullableTimestampFromDb(row.revoked_at);
        return at === null ? [] : [{ id: row.id, at }];
      }),
    };
  }
}
