/**
 * Refreshes of one origin's tabs run one at a time when the Web Locks API is there (every
 * current browser): a tab that waited for the lock then sees the session the previous holder
 * stored, and does not refresh again. Without it (Node, old browsers) the `refreshing`
 * announcement on the tab channel, the jitter, and the server's REFRESH_TOKEN_REUSE_GRACE keep
 * concurrent refreshes harmless.
 */

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

function lockManager(): LockManagerLike | undefined {
  const navigatorLike = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return typeof navigatorLike?.locks?.request === 'function' ? navigatorLike.locks : undefined;
}

/** Runs `task` holding the named cross-tab lock, or directly where there are no Web Locks. */
export async function withCrossTabLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = lockManager();
  return locks === undefined ? task() : locks.request(name, task);
}
