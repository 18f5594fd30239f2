/**
 * Signing keys kept in the database (migration 0003) for `tessera keys ...` and key rollover;
 * private keys are stored sealed (src/keys/key-encryption.ts), never in clear.
 */
import type { Kysely } from 'kysely';
import type { KeyStore, SigningKeyState, StoredSigningKey } from '../../model/store.js';
import { nullableTimestampFromDb, timestampFromDb, type Database, type NullableTimestampColumn, type TimestampColumn } from '../schema.js';
import type { SqlHandle } from './sql-handle.js';

const SIGNING_KEYS = 'tessera_signing_key';

/** The signing-key table (migration 0003), in Kysely's terms. */
// A type alias, not an interface: `withTables` wants an index-signature-compatible record.
type SigningKeyTables = {
  tessera_signing_key: {
    kid: string;
    algorithm: string;
    state: string;
    public_jwk: string;
    private_key: string;
    created_at: TimestampColumn;
    activated_at: NullableTimestampColumn;
    deactivated_at: NullableTimestampColumn;
    retired_at: NullableTimestampColumn;
  };
};

export class KyselyKeyStore implements KeyStore {
  readonly #sql: SqlHandle;
  readonly #db: Kysely<Database & SigningKeyTables>;

  constructor(handle: SqlHandle) {
    this.#sql = handle;
    this.#db = handle.db.withTables<SigningKeyTables>();
  }

  async listSigningKeys(): Promise<StoredSigningKey[]> {
    const rows = await this.#db.selectFrom(SIGNING_KEYS).selectAll().orderBy('created_at').orderBy('kid').execute();
    return rows.map((row) => ({
      kid: row.kid,
      algorithm: row.algorithm,
      state: row.state as SigningKeyState,
      publicJwk: row.public_jwk,
      encryptedPrivateKey: row.private_key,
      createdAt: timestampFromDb(row.created_at),
      activatedAt: nullableTimestampFromDb(row.activated_at),
      deactivatedAt: nullableTimestampFromDb(row.deactivated_at),
      retiredAt: nullableTimestampFromDb(row.retired_at),
    }));
  }

  async addSigningKey(key: StoredSigningKey): Promise<void> {
    await this.#db
      .insertInto(SIGNING_KEYS)
      .values({
        kid: key.kid,
        algorithm: key.algorithm,
        state: key.state,
        public_jwk: key.publicJwk,
        private_key: key.encryptedPrivateKey,
        created_at: key.createdAt,
        activated_at: key.activatedAt,
        deactivated_at: key.deactivatedAt,
        retired_at: key.retiredAt,
      })
      .execute();
  }

  async activateSigningKey(kid: string, now: Date): Promise<boolean> {
    return this.#sql.inWriteTransaction(async (trx) => {
      const db = trx.withTables<SigningKeyTables>();
      const target = await db.selectFrom(SIGNING_KEYS).select('state').where('kid', '=', kid).executeTakeFirst();
      if (target === undefined || (target.state !== 'generated' && target.state !== 'inactive')) return false;
      // The old key first: the unique index on active rows would refuse two at once.
      await db.updateTable(SIGNING_KEYS).set({ state: 'inactive', deactivated_at: now }).where('state', '=', 'active').execute();
      await db.updateTable(SIGNING_KEYS).set({ state: 'active', activated_at: now, deactivated_at: null }).where('kid', '=', kid).execute();
      return true;
    });
  }

  async retireSigningKey(kid: string, now: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable(SIGNING_KEYS)
      .set({ state: 'retired', retired_at: now })
      .where('kid', '=', kid)
      .where('state', 'in', ['generated', 'inactive'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
