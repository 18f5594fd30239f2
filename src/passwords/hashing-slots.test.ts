import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { configureHashingQueue, HashQueueFullError, waitingHashes, withHashingSlot } from './hashing-slots.js';

const SLOTS = Math.max(1, availableParallelism() - 1);

/** Work that finishes when the test says so, recording the order it started in. */
function gate(log: string[], name: string) {
  let open: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (open = resolve));
  const work = async () => {
    log.push(name);
    await done;
  };
  return { run: () => withHashingSlot(work, name.split('#')[0]), open: () => open() };
}

afterEach(() => configureHashingQueue({ total: 64, perClient: 4 }));

describe('withHashingSlot', () => {
  it('hands freed slots round-robin between client addresses', async () => {
    configureHashingQueue({ total: 64, perClient: 10 });
    const log: string[] = [];
    const busy = Array.from({ length: SLOTS }, (_, i) => gate(log, `busy#${i}`));
    const running = busy.map((work) => work.run());
    const flood = Array.from({ length: 6 }, (_, i) => gate(log, `attacker#${i}`));
    const flooding = flood.map((work) => work.run());
    const user = gate(log, 'user#0');
    const userRun = user.run();
    // Free the busy slots one at a time: the user's check is second in line, not seventh.
    for (const work of [...busy, ...flood]) {
      work.open();
      await new Promise((wake) => setTimeout(wake, 5));
      if (log.includes('user#0')) user.open();
    }
    user.open();
    await Promise.all([...running, ...flooding, userRun]);
    const started = log.slice(SLOTS);
    expect(started.indexOf('user#0')).toBeLessThanOrEqual(1);
  });

  it('refuses past the per-client and total bounds instead of queueing', async () => {
    configureHashingQueue({ total: 3, perClient: 2 });
    const log: string[] = [];
    const busy = Array.from({ length: SLOTS }, (_, i) => gate(log, `busy#${i}`));
    const running = busy.map((work) => work.run());
    const a = [gate(log, 'a#1'), gate(log, 'a#2')];
    const queued = a.map((work) => work.run());
    await expect(gate(log, 'a#3').run()).rejects.toBeInstanceOf(HashQueueFullError);
    const b = gate(log, 'b#1');
    const bRun = b.run();
    await expect(gate(log, 'c#1').run()).rejects.toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
    expect(waitingHashes()).toBe(3);
    for (const work of [...busy, ...a, b]) work.open();
    await Promise.all([...running, ...queued, bRun]);
    expect(waitingHashes()).toBe(0);
  });
});
