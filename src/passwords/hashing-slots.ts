/**
 * At most (cores - 1) password hashes at a time, never fewer than one. argon2id and PBKDF2 run
 * on libuv's thread pool (4 threads by default): on a 2-core machine four concurrent hashes take
 * both cores from the event loop, and every other request (GET /protected/) waits behind them
 * (issue 4: p99 of protected requests while logins saturate the CPU stays under 50 ms). One
 * core stays the event loop's; the others hash, and the rest wait here.
 *
 * The wait is bounded and fair (issue 12: with 300-500 bad logins from one address queued, a
 * valid login from another took 4.5-6.9 s instead of 39 ms):
 * - each client address has its own line, and a freed slot goes to the next line in turn
 *   (round-robin), so a login waits behind at most one hash per other waiting address;
 * - one address may have at most HASH_QUEUE_PER_CLIENT checks waiting, and all addresses
 *   together HASH_QUEUE_LIMIT; past either, the check is refused at once with
 *   {@link HashQueueFullError} (503 with `Retry-After`), never queued without end.
 */
import { availableParallelism } from 'node:os';
import { TesseraError } from '../errors.js';

const SLOTS = Math.max(1, availableParallelism() - 1);

/** Thrown instead of queueing past the bounds: a 503 with `Retry-After: 1`, nothing about the password. */
export class HashQueueFullError extends TesseraError {
  constructor() {
    super('service_unavailable', { detail: 'Service temporarily unavailable, try again later.' }, { headers: { 'retry-after': '1' } });
    this.name = 'HashQueueFullError';
  }
}

/** The line of work without a client address (CLI, library calls without one). */
const NO_ADDRESS = '';

// The client address is passed down explicitly (login -> hasher -> here), not carried in an
// AsyncLocalStorage: in Node 20 the first `run()` installs V8 promise hooks for the whole
// process, for good, and every request after the first login paid ~10 µs of CPU for them
// (GET /protected/ 45 -> 56 µs; docs/decisions.md D15).

let limits = { total: 64, perClient: 4 };
let busy = 0;
let waitingCount = 0;
/** One line per client, in turn order (Map order is insertion order: the rotation). */
const lines = new Map<string, (() => void)[]>();

/** Sets the bounds (from HASH_QUEUE_LIMIT and HASH_QUEUE_PER_CLIENT); the last Tessera started sets them. */
export function configureHashingQueue(options: { total: number; perClient: number }): void {
  limits = { total: options.total, perClient: options.perClient };
}

/** How many checks are waiting now (for tests and figures). */
export function waitingHashes(): number {
  return waitingCount;
}

/**
 * Runs `work` (one hash or verification) when a slot is free, in `client`'s turn (the client
 * address; none: the line of work without one).
 *
 * @example
 * ```ts
 * const derived = await withHashingSlot(() => pbkdf2Async(plain, salt, 600_000, 32, 'sha256'), request.ip);
 * ```
 * @throws HashQueueFullError when that client already has its share waiting, or the queue is full.
 */
export async function withHashingSlot<T>(work: () => Promise<T>, client: string = NO_ADDRESS): Promise<T> {
  if (busy >= SLOTS) await waitInLine(client);
  else busy++;
  try {
    return await work();
  } finally {
    handOver();
  }
}

/** Whether `client`'s check would be refused now: its line or the whole queue is full. */
function isFull(client: string): boolean {
  if (busy < SLOTS) return false;
  // Work without an address (the CLI, a library caller that passes none) has only the total bound.
  const overShare = client !== NO_ADDRESS && (lines.get(client)?.length ?? 0) >= limits.perClient;
  return overShare || waitingCount >= limits.total;
}

/**
 * Throws {@link HashQueueFullError} at once when the current client's check could not wait for
 * a slot: called before the work that leads to the hash (a database lookup), so a flood's
 * excess costs as little as possible.
 */
export function refuseWhenHashQueueFull(client: string = NO_ADDRESS): void {
  if (isFull(client)) throw new HashQueueFullError();
}

function waitInLine(client: string): Promise<void> {
  if (isFull(client)) throw new HashQueueFullError();
  const line = lines.get(client) ?? [];
  return new Promise<void>((resolve) => {
    line.push(resolve);
    lines.set(client, line);
    waitingCount++;
  });
}

/** Gives the freed slot to the first waiter of the next line in turn, or back to the pool. */
function handOver(): void {
  const next = lines.entries().next().value;
  if (next === undefined) {
    busy--;
    return;
  }
  const [client, line] = next;
  const resolve = line.shift();
  lines.delete(client);
  // The line goes to the back of the rotation when it still has waiters.
  if (line.length > 0) lines.set(client, line);
  waitingCount--;
  resolve?.();
}
