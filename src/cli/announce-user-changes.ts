/**
 * How a CLI command that changed users tells running servers: it publishes the users' ids on
 * Redis (REDIS_URL), the invalidation bus every server subscribes to, so each drops them from
 * its user cache at once. Without Redis, servers see the change within USER_CACHE_TTL.
 */
import { stderrLogger } from '../model/logger.js';
import type { FeedCutOff } from '../model/revocation-feed.js';

/** How long a command waits for Redis before saying the change will show within the TTL. */
const CONNECT_WAIT_MS = 5000;

/**
 * Publishes `ids` on the invalidation bus at `url`, and `cutOffs` on the revocation feed's push
 * channel (stand-alone verifiers listen there); says on stderr, and does not fail, when
 * Redis cannot be reached (the change itself is already stored).
 *
 * @example
 * ```ts
 * if (settings.REDIS_URL !== null) await announceUserChanges(settings.REDIS_URL, [user.id]);
 * ```
 */
export async function announceUserChanges(url: string, ids: readonly number[], cutOffs: readonly FeedCutOff[] = []): Promise<void> {
  // Loaded here, not at the top: every `tessera` command (serve included) would load redis.
  const [{ RedisLink }, bus] = await Promise.all([import('../stores/redis/redis-link.js'), import('../stores/redis/invalidation-bus.js')]);
  const link = RedisLink.open(url, stderrLogger);
  try {
    const deadline = Date.now() + CONNECT_WAIT_MS;
    while (!link.client.isReady && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 20));
    if (link.client.isReady) await bus.announceUserChanges(link, ids, cutOffs);
    else process.stderr.write('Redis (REDIS_URL) is not reachable: running servers see the change within USER_CACHE_TTL.\n');
  } finally {
    await link.close();
  }
}
