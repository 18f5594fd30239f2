/**
 * `tessera serve --workers N`: one primary process that migrates the database once, then forks
 * N workers sharing the listening socket (node:cluster), and restarts a worker that dies.
 * Workers tell each other about user changes and revoked sessions through the primary, so their user caches stay
 * coherent without Redis (with Redis, the invalidation bus does the same across machines).
 */
import cluster, { type Worker } from 'node:cluster';
import type { CachedStore } from '../stores/user-cache.js';
import { SESSION_REVOKED_CHANNEL } from '../model/revocation-feed.js';
import type { Logger } from '../model/logger.js';

const USER_CHANGED = 'tessera:user-changed';

interface UserChangedMessage {
  readonly type: typeof USER_CHANGED;
  readonly id: number;
}

const SESSION_REVOKED = SESSION_REVOKED_CHANNEL;

interface SessionRevokedMessage {
  readonly type: typeof SESSION_REVOKED;
  readonly id: string;
}

function isUserChanged(message: unknown): message is UserChangedMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === USER_CHANGED;
}

function isSessionRevoked(message: unknown): message is SessionRevokedMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === SESSION_REVOKED &&
    typeof (message as { id?: unknown }).id === 'string'
  );
}

/** In the primary: forks `count` workers, relays their messages, replaces the ones that die. */
export function runPrimary(count: number, log: Logger): void {
  let stopping = false;
  const relay = (from: Worker, message: unknown): void => {
    if (!isUserChanged(message) && !isSessionRevoked(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) if (worker !== undefined && worker !== from) worker.send(message);
  };
  cluster.on('message', relay);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    // Node's types say string, but `signal` is null when the worker exited by itself.
    log.warn(`worker ${worker.process.pid} exited (${(signal as string | null) ?? code}); starting another`);
    cluster.fork();
  });
  const stop = (): void => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    let remaining = Object.keys(cluster.workers ?? {}).length;
    if (remaining === 0) process.exit(0);
    cluster.on('exit', () => {
      remaining -= 1;
      if (remaining === 0) process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (let i = 0; i < count; i++) cluster.fork();
}

/** In a worker: shares this worker's user changes, and applies the others'. */
export function joinWorkerCacheGroup(store: CachedStore): void {
  if (!cluster.isWorker) return;
  store.onUserChanged((id) => process.send?.({ type: USER_CHANGED, id } satisfies UserChangedMessage));
  store.onSessionRevoked((id) => process.send?.({ type: SESSION_REVOKED, id } satisfies SessionRevokedMessage));
  process.on('message', (message: unknown) => {
    if (isUserChanged(message)) store.invalidateUser(message.id);
    else if (isSessionRevoked(message)) store.sessionRevoked(message.id);
  });
}
