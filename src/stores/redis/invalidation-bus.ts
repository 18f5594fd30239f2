/**
 * Tells every instance when a user changed, so their per-process user caches drop it at once
 * instead of within USER_CACHE_TTL. Redis pub/sub: fire and forget; a lost message costs at most
 * one TTL of staleness, never safety of anything the database decides (refresh, blacklist).
 */
import type { CachedStore } from '../user-cache.js';
import type { RedisClient, RedisLink } from './redis-link.js';

const CHANNEL = 'tessera:user-changed';
/** Revoked sessions (refresh families): their access tokens are refused at once everywhere. */
const SESSION_CHANNEL = 'tessera:session-revoked';

/**
 * Tells every running instance that these users changed (a command-line process that changed
 * them without a cache of its own, e.g. `tessera groups remove`).
 *
 * @example
 * ```ts
 * await announceUserChanges(RedisLink.open(settings.REDIS_URL, logger), [7, 9]);
 * ```
 */
export async function announceUserChanges(link: RedisLink, ids: readonly number[]): Promise<void> {
  for (const id of ids) await link.run((client) => client.publish(CHANNEL, String(id)));
}

export class InvalidationBus {
  readonly #link: RedisLink;
  readonly #subscriber: RedisClient;

  private constructor(link: RedisLink, subscriber: RedisClient) {
    this.#link = link;
    this.#subscriber = subscriber;
  }

  /** Publishes this process's user changes, and applies everyone else's to `store`. */
  static connect(link: RedisLink, store: CachedStore): InvalidationBus {
    const subscriber = link.client.duplicate();
    // Errors are the link's to report; the subscriber reconnects and resubscribes by itself.
    subscriber.on('error', () => undefined);
    const bus = new InvalidationBus(link, subscriber);
    subscriber
      .connect()
      .then(async () => {
        await subscriber.subscribe(CHANNEL, (message) => {
          const id = Number(message);
          store.invalidateUser(Number.isSafeInteger(id) ? id : undefined);
        });
        await subscriber.subscribe(SESSION_CHANNEL, (message) => store.sessionRevoked(message));
      })
      .catch(() => undefined);
    store.onUserChanged((id) => void bus.#link.run((client) => client.publish(CHANNEL, String(id))));
    store.onSessionRevoked((id) => void bus.#link.run((client) => client.publish(SESSION_CHANNEL, id)));
    return bus;
  }

  async close(): Promise<void> {
    if (this.#subscriber.isOpen) await this.#subscriber.close().catch(() => undefined);
  }
}
