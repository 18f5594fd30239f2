/**
 * At most (cores - 1) password hashes at a time, never fewer than one. argon2id and PBKDF2 run
 * on libuv's thread pool (4 threads by default): on a 2-core machine four concurrent hashes take
 * both cores from the event loop, and every other request (GET /protected/) waits behind them
 * (issue 4: p99 of protected requests while logins saturate the CPU stays under 50 ms). One
 * core stays the event loop's; the others hash, and logins beyond that queue here.
 */
import { availableParallelism } from 'node:os';

const SLOTS = Math.max(1, availableParallelism() - 1);
let busy = 0;
const waiting: (() => void)[] = [];

/** Runs `work` (one hash or verification) when a slot is free. */
export async function withHashingSlot<T>(work: () => Promise<T>): Promise<T> {
  if (busy >= SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  else busy++;
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next waiter, or give it back.
    const next = waiting.shift();
    if (next === undefined) busy--;
    else next();
  }
}
