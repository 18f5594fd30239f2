/**
 * Which sessions (refresh families) are revoked, per process, for the session claim's check on
 * every authenticated request (issue 15: logging out one session refuses its access tokens at
 * once). A revoked session stays revoked forever, so "revoked" answers are kept; "not revoked"
 * answers are kept for `ttlMs` at most (USER_CACHE_TTL), like the user cache.
 *
 * Correctness:
 * - a revocation through this process (`markRevoked`) is seen by the very next request;
 * - a revocation elsewhere arrives through the invalidation bus (Redis pub/sub, cluster
 *   messages) and calls `markRevoked` here; without a bus it is seen within `ttlMs`;
 * - a database read that started before a revocation arrived never stores its (stale) "not
 *   revoked" answer: every mark bumps an epoch, and a read keeps its answer only if the epoch
 *   did not move while it ran. So a lost race can cost a query, never a revoked session let in.
 */
import type { RevocationStore } from '../model/store.js';

interface Entry {
  readonly revoked: boolean;
  /** When a "not revoked" answer must be read again; revoked entries never expire. */
  readonly expiresAt: number;
}

export class RevokedSessionCache {
  readonly #store: Pick<RevocationStore, 'sessionRevokedAt'>;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  #epoch = 0;

  constructor(store: Pick<RevocationStore, 'sessionRevokedAt'>, options: { ttlMs: number; maxEntries?: number; now?: () => number }) {
    this.#store = store;
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** Whether session `id` is revoked: from this process's knowledge, else from the database. */
  async isRevoked(id: string): Promise<boolean> {
    const entry = this.#entries.get(id);
    if (entry !== undefined && (entry.revoked || entry.expiresAt > this.#now())) return entry.revoked;
    const epoch = this.#epoch;
    const revoked = (await this.#store.sessionRevokedAt(id)) !== null;
    // A revocation that arrived while the database answered wins over that answer.
    if (revoked) this.#set(id, { revoked: true, expiresAt: Infinity });
    else if (epoch === this.#epoch && this.#ttlMs > 0) this.#set(id, { revoked: false, expiresAt: this.#now() + this.#ttlMs });
    return revoked || this.#entries.get(id)?.revoked === true;
  }

  /** How many sessions this process remembers (at most `maxEntries`). */
  get size(): number {
    return this.#entries.size;
  }

  /** Session `id` was revoked (here or, through the bus, elsewhere). */
  markRevoked(id: string): void {
    this.#epoch += 1;
    this.#set(id, { revoked: true, expiresAt: Infinity });
  }

  #set(id: string, entry: Entry): void {
    this.#entries.delete(id);
    // Dropping the oldest entry is always safe: it is read again from the database.
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value ?? '');
    this.#entries.set(id, entry);
  }
}
