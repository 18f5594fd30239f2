/**
 * Tells every instance when a user changed, so their per-process user caches drop it at once
 * instead of within USER_CACHE_TTL. Redis pub/sub: fire and forget; a lost message costs at most
 * one TTL of staleness, never safety of anything the database decides (refresh, blacklist).
 */
import { SESSION_REVOKED_CHANNEL, TOKEN_CUT_OFF_CHANNEL, type FeedCutOff } from '../../model/revocation-feed.js';
import type { CachedStore } from '../user-cache.js';
import type { RedisClient, RedisLink } from './redis-link.js';

const CHANNEL = 'tessera:user-changed';

/**
 * Tells every running instance that these users changed (a command-line process that changed
 * them without a cache of its own, e.g. `tessera groups remove`), and stand-alone verifiers
 * which of them were cut off (`cutOffs`, the revocation feed's entries).
 *
 * @example
 * ```ts
 * await announceUserChanges(RedisLink.open(settings.REDIS_URL, logger), [7, 9]);
 * ```
 */
export async function announceUserChanges(link: RedisLink, ids: readonly number[], cutOffs: readonly FeedCutOff[] = []): Promise<void> {
  for (const id of ids) await link.run((client) => client.publish(CHANNEL, String(id)));
  // The revocation feed's push, as a server publishes its own cut-offs: stand-alone verifiers
  // listening on Redis refuse the users' older tokens at once, not at their next poll.
  for (const cutOff of cutOffs) await link.run((client) => client.publish(TOKEN_CUT_OFF_CHANNEL, JSON.stringify(cutOff)));
}

export class InvalidationBus {
  readonly #link: RedisLink;
  readonly #subscriber: RedisClient;

  private constructor(link: RedisLink, subscriber: RedisClient) {
    this.#link = link;
    this.#subscriber = subscriber;
  }

  /**
   * Publishes this process's user changes and revoked sessions, and applies everyone else's to
   * `store`. Cut-offs go out as the revocation feed's entries (`cutOffEntry`), for stand-alone
   * verifiers listening on Redis (revoked sessions they read from the session channel).
   */
  static connect(
    link: RedisLink,
    store: CachedStore,
    cutOffEntry?: (cutOff: { userId: number; version: number; at: Date }) => Promise<FeedCutOff | undefined>,
  ): InvalidationBus {
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
        await subscriber.subscribe(SESSION_REVOKED_CHANNEL, (message) => store.sessionRevoked(message));
      })
      .catch(() => undefined);
    store.onUserChanged((id) => void bus.#link.run((client) => client.publish(CHANNEL, String(id))));
    store.onSessionRevoked((id) => void bus.#link.run((client) => client.publish(SESSION_REVOKED_CHANNEL, id)));
    if (cutOffEntry !== undefined) {
      store.onTokensCutOff(
        (cutOff) =>
          void cutOffEntry(cutOff)
            .then((entry) => entry && bus.#link.run((client) => client.publish(TOKEN_CUT_OFF_CHANNEL, JSON.stringify(entry))))
            .catch(() => undefined),
      );
    }
    return bus;
  }

  async close(): Promise<void> {
    if (this.#subscriber.isOpen) await this.#subscriber.close().catch(() => undefined);
  }
}
