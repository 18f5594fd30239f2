/**
 * How a CLI command that changed users tells the rest of the deployment, as a server does for its
 * own changes: the users' ids on Redis's invalidation bus (REDIS_URL), so every running server
 * drops them from its user cache at once, and the cut-offs on the revocation feed's push channel,
 * so stand-alone verifiers refuse older tokens at once. Without Redis, servers see the change
 * within USER_CACHE_TTL and verifiers at their next feed poll. And the audit entry it writes.
 */
import { userInfo } from 'node:os';
import type { Settings } from '../config/settings.js';
import { stderrLogger } from '../model/logger.js';
import type { AuditEntry, CutOffRecord, Store } from '../model/store.js';
import { feedCutOff } from '../sessions/revocation-feed.js';

/** How long a command waits for Redis before saying the change will show within the TTL. */
const CONNECT_WAIT_MS = 5000;

/**
 * Publishes `ids` and `cutOffs` on Redis when REDIS_URL is set; says on stderr, and does not
 * fail, when Redis cannot be reached (the change itself is already stored).
 *
 * @example
 * ```ts
 * await announceUserChanges(settings, [user.id], [{ userId: user.id, username, email, version, at: now }]);
 * ```
 */
export async function announceUserChanges(
  settings: Settings,
  ids: readonly number[],
  cutOffs: readonly CutOffRecord[] = [],
): Promise<void> {
  if (settings.REDIS_URL === null || ids.length === 0) return;
  // Loaded here, not at the top: every `tessera` command (serve included) would load redis.
  const [{ RedisLink }, bus] = await Promise.all([import('../stores/redis/redis-link.js'), import('../stores/redis/invalidation-bus.js')]);
  const link = RedisLink.open(settings.REDIS_URL, stderrLogger);
  try {
    const deadline = Date.now() + CONNECT_WAIT_MS;
    while (!link.client.isReady && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 20));
    if (link.client.isReady)
      await bus.announceUserChanges(
        link,
        ids,
        cutOffs.map((record) => feedCutOff({ settings }, record)),
      );
    else process.stderr.write('Redis (REDIS_URL) is not reachable: running servers see the change within USER_CACHE_TTL.\n');
  } finally {
    await link.close();
  }
}

/** Audits a change made from the command line: no signed-in actor, the system user's name, no address. */
export async function recordCliAudit(
  store: Store,
  entry: Pick<AuditEntry, 'at' | 'action' | 'targetUserId' | 'target' | 'detail'>,
): Promise<void> {
  await store.audit?.recordAudit({ ...entry, actorId: null, actorUsername: userInfo().username, ip: null });
}
