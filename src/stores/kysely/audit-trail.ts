/**
 * The admin console's audit trail (migration 0002): who did what, when.
 */
import type { Kysely } from 'kysely';
import type { AuditEntry, AuditQuery, AuditTrail } from '../../model/store.js';
import { timestampFromDb, type BigIdColumn, type Database, type TimestampColumn } from '../schema.js';
import { pageOf, type SqlHandle } from './sql-handle.js';

const AUDIT = 'tessera_admin_audit';

/** The audit table, in Kysely's terms. Not part of `Database`, which is Django's and simplejwt's. */
// A type alias, not an interface: `withTables` wants an index-signature-compatible record.
type AuditTables = {
  tessera_admin_audit: {
    id: BigIdColumn;
    created_at: TimestampColumn;
    actor_id: number | null;
    actor_username: string;
    action: string;
    target_user_id: number | null;
    target: string;
    detail: string;
    ip: string | null;
  };
};

export class KyselyAuditTrail implements AuditTrail {
  readonly #db: Kysely<Database & AuditTables>;

  constructor(handle: SqlHandle) {
    this.#db = handle.db.withTables<AuditTables>();
  }

  async recordAudit(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.#db
      .insertInto(AUDIT)
      .values({
        created_at: entry.at,
        actor_id: entry.actorId,
        actor_username: entry.actorUsername.slice(0, 150),
        action: entry.action.slice(0, 64),
        target_user_id: entry.targetUserId,
        target: entry.target.slice(0, 255),
        detail: entry.detail,
        ip: entry.ip === null ? null : entry.ip.slice(0, 64),
      })
      .execute();
  }

  async pruneAudit(before: Date): Promise<number> {
    const result = await this.#db.deleteFrom(AUDIT).where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async listAudit(options: AuditQuery = {}): Promise<AuditEntry[]> {
    const { limit, offset } = pageOf(options);
    let query = this.#db.selectFrom(AUDIT).selectAll();
    if (options.targetUserId !== undefined) query = query.where('target_user_id', '=', options.targetUserId);
    if (options.action !== undefined) query = query.where('action', '=', options.action);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return rows.map((row) => ({
      id: Number(row.id),
      at: timestampFromDb(row.created_at),
      actorId: row.actor_id,
      actorUsername: row.actor_username,
      action: row.action,
      targetUserId: row.target_user_id,
      target: row.target,
      detail: row.detail,
      ip: row.ip,
    }));
  }
}
